package bundling

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// ErrBuild is wrapped by every failed handler build.
var ErrBuild = errors.New("go build failed")

// BuildError is a failed `go build`: the compiler's message first, as the go
// command printed it, then which entries and target it was building.
type BuildError struct {
	Output string // the go command's output, package lines left out
	Detail string // the entries, target and module directory
}

func (e *BuildError) Error() string { return e.Output + "\n" + ErrBuild.Error() + ": " + e.Detail }

func (e *BuildError) Unwrap() error { return ErrBuild }

// Batch is one `go build` invocation: handlers of one module for one target.
// Building them together compiles each package they share once, and the go
// command runs the compiles in parallel itself.
type Batch struct {
	ModuleDir    string
	GOOS, GOARCH string
	// Entries have distinct executable names (PlanBatches sees to it).
	Entries []Entry
	// OutDir keeps the binaries between synths: the go command relinks only
	// a binary whose inputs changed, so an unchanged app builds nothing.
	OutDir string
	// Progress receives the progress lines. Nil means os.Stderr.
	Progress io.Writer
}

// Result says what one Batch.Run did.
type Result struct {
	Compiled int // packages compiled (not served from the Go build cache)
	Linked   int // binaries (re)linked; the others were up to date
	Elapsed  time.Duration
}

// Output is the path of e's binary after Run. A batch of one entry names it
// bootstrap (with `-o file`); a larger batch uses `-o dir`, and the go command
// names each binary after its package directory.
func (b *Batch) Output(e Entry) string {
	if len(b.Entries) == 1 {
		return filepath.Join(b.OutDir, contract.BootstrapName)
	}
	return filepath.Join(b.OutDir, filepath.Base(e.Dir))
}

// Target is "GOOS/GOARCH".
func (b *Batch) Target() string { return b.GOOS + "/" + b.GOARCH }

// Describe is "3 handlers (linux/arm64)".
func (b *Batch) Describe() string {
	noun := "handlers"
	if len(b.Entries) == 1 {
		noun = "handler"
	}
	return fmt.Sprintf("%d %s (%s)", len(b.Entries), noun, b.Target())
}

// versionElem matches a major-version path element such as v2: the go command
// names a binary built from example.com/cmd/v2 "cmd", not "v2".
var versionElem = regexp.MustCompile(`^v[0-9]+$`)

// ownExecName reports whether the go command names e's binary after e's
// directory. It does not for a module's root package (named after the module
// path) or a major-version directory: those build in a batch of their own.
func ownExecName(e Entry) bool {
	return e.Dir != e.ModuleDir && !versionElem.MatchString(filepath.Base(e.Dir))
}

// PlanBatches groups entries into as few batches as the go command allows:
// one per module, split further only where two entries would write the same
// executable name into one -o directory (the go command would silently keep
// one of them). Batches and their entries are sorted by directory, so the
// same app gives the same batches, and the same OutDir keys, every synth.
// outRoot/key is each batch's OutDir.
func PlanBatches(entries []Entry, goos, goarch, outRoot string) []*Batch {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b Entry) int { return strings.Compare(a.Dir, b.Dir) })
	sorted = slices.CompactFunc(sorted, func(a, b Entry) bool { return a.Dir == b.Dir })

	var batches []*Batch
	names := map[*Batch]map[string]bool{}
	target := goos + "-" + goarch
	for _, e := range sorted {
		if !ownExecName(e) {
			batches = append(batches, &Batch{ModuleDir: e.ModuleDir, GOOS: goos, GOARCH: goarch, Entries: []Entry{e},
				OutDir: filepath.Join(outRoot, target, "single-"+shortHash(e.Dir))})
			continue
		}
		var into *Batch
		for _, b := range batches {
			if b.ModuleDir == e.ModuleDir && names[b] != nil && !names[b][filepath.Base(e.Dir)] {
				into = b
				break
			}
		}
		if into == nil {
			into = &Batch{ModuleDir: e.ModuleDir, GOOS: goos, GOARCH: goarch,
				OutDir: filepath.Join(outRoot, target, fmt.Sprintf("%s-%d", shortHash(e.ModuleDir), len(names)))}
			names[into] = map[string]bool{}
			batches = append(batches, into)
		}
		into.Entries = append(into.Entries, e)
		names[into][filepath.Base(e.Dir)] = true
	}
	return batches
}

// Run builds the batch. The go command's output is read as it comes: package
// lines (-v) are counted into periodic progress lines, module downloads are
// passed on, and anything else is the compiler's message, returned in the
// error with every entry path.
func (b *Batch) Run(ctx context.Context) (Result, error) {
	progress := b.Progress
	if progress == nil {
		progress = os.Stderr
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return Result{}, fmt.Errorf("%w for %s: the go command is not on PATH (%v); install Go and retry", ErrBuild, b.entryList(), err)
	}
	if err := os.MkdirAll(b.OutDir, 0o755); err != nil {
		return Result{}, fmt.Errorf("%w for %s: output directory: %v", ErrBuild, b.entryList(), err)
	}
	before := b.stat()

	cmd := b.command(ctx, goBin)
	stream := newGoOutput(progress, b.Describe())
	cmd.Stdout, cmd.Stderr = stream, stream
	start := time.Now()
	stop := stream.tick(start)
	err = cmd.Run()
	stop()
	res := Result{Compiled: stream.compiled(), Elapsed: time.Since(start)}
	if err != nil {
		berr := &BuildError{Output: stream.message(), Detail: fmt.Sprintf("go build of %s for %s in %s: %v", b.entryList(), b.Target(), b.ModuleDir, err)}
		fmt.Fprintln(progress, berr) // first, before the synth error that repeats it
		return res, berr
	}
	for i, after := range b.stat() {
		if after == nil || before[i] == nil || !os.SameFile(before[i], after) {
			res.Linked++
		}
	}
	fmt.Fprintf(progress, "lift: built %s in %s: %d packages compiled, %d of %d binaries linked (the rest were up to date)\n",
		b.Describe(), res.Elapsed.Round(100*time.Millisecond), res.Compiled, res.Linked, len(b.Entries))
	return res, nil
}

// command is the `go build` of b, run in the module's directory so that its
// go.mod (and any go.work) decides the dependencies. It never passes -a and
// never sets GOCACHE: the user's Go build cache (local, or restored in CI)
// serves every package that has not changed.
func (b *Batch) command(ctx context.Context, goBin string) *exec.Cmd {
	args := append([]string{"build", "-v"}, contract.GoBuildFlags()...)
	// A relative OutDir (the CDK CLI's "cdk.out") is this process's; the go
	// command runs in the module's directory, which for a handler of another
	// module (the warmer of a replaced Lift checkout) is elsewhere.
	dir := b.OutDir
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	out := dir + string(filepath.Separator)
	if len(b.Entries) == 1 {
		out = filepath.Join(dir, filepath.Base(b.Output(b.Entries[0])))
	}
	args = append(args, "-o", out)
	for _, e := range b.Entries {
		rel, err := filepath.Rel(b.ModuleDir, e.Dir)
		if err != nil {
			rel = e.Dir // not reachable: ResolveEntry found ModuleDir above Dir
		}
		args = append(args, "./"+filepath.ToSlash(rel))
	}
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = b.ModuleDir
	cmd.Env = append(append(os.Environ(), contract.GoBuildEnv(b.GOARCH)...), "GOOS="+b.GOOS) // the last GOOS wins

	return cmd
}

// stat is the file info of each output (nil when absent).
func (b *Batch) stat() []os.FileInfo {
	infos := make([]os.FileInfo, len(b.Entries))
	for i, e := range b.Entries {
		infos[i], _ = os.Stat(b.Output(e))
	}
	return infos
}

// shortHash names a directory in OutDir keys: stable for the same path.
func shortHash(path string) string {
	sum := sha256.Sum256([]byte(path))
	return hex.EncodeToString(sum[:6])
}

// entryList names the entries: `"./orders" (/abs/orders), ...`.
func (b *Batch) entryList() string {
	parts := make([]string, len(b.Entries))
	for i, e := range b.Entries {
		parts[i] = fmt.Sprintf("%q (%s)", e.Given, e.Dir)
	}
	return strings.Join(parts, ", ")
}
