package bundling

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// ErrBuild is wrapped by every failed handler build.
var ErrBuild = errors.New("go build failed")

// BuildOptions says what to build and where.
type BuildOptions struct {
	Entry  Entry
	GOARCH string // "arm64" or "amd64"
	OutDir string // bootstrap is written here
	// Label names the function in the progress line (its construct path).
	Label string
	// Progress receives one line per build: what was built and how long it
	// took. Nil means os.Stderr.
	Progress io.Writer
}

// Build runs `go build` for linux/GOARCH in the entry's directory, so the
// entry's own module (and any go.work) decides the dependencies, and writes
// OutDir/bootstrap. A compile error is returned with the compiler's output and
// the entry path.
func Build(ctx context.Context, o BuildOptions) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("%w for %s: the go command is not on PATH (%v); install Go and retry", ErrBuild, o.Entry.Dir, err)
	}
	cmd := buildCommand(ctx, goBin, o)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output

	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("%w for %s: entry %q (%s), linux/%s: %v\n%s",
			ErrBuild, o.Label, o.Entry.Given, o.Entry.Dir, o.GOARCH, err, strings.TrimSpace(output.String()))
	}
	progress := o.Progress
	if progress == nil {
		progress = os.Stderr
	}
	fmt.Fprintf(progress, "lift: built %s (%s, linux/%s) in %s\n",
		o.Label, o.Entry.Given, o.GOARCH, elapsed.Round(time.Millisecond))
	return nil
}

// buildCommand is the `go build` of o. It never passes -a and never sets
// GOCACHE: the user's default Go build cache serves every package that has not
// changed, so rebuilding an unchanged handler costs a cache lookup and a link.
func buildCommand(ctx context.Context, goBin string, o BuildOptions, extraFlags ...string) *exec.Cmd {
	out := filepath.Join(o.OutDir, contract.BootstrapName)
	args := append([]string{"build"}, contract.GoBuildFlags()...)
	args = append(args, extraFlags...)
	args = append(args, "-o", out, ".")
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = o.Entry.Dir
	cmd.Env = append(os.Environ(), contract.GoBuildEnv(o.GOARCH)...)
	return cmd
}
