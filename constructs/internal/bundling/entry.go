package bundling

import (
	"errors"
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"strings"
)

// Sentinel errors of ResolveEntry. Each returned error wraps one of them and
// carries the value and the fix in its text.
var (
	ErrEntryMissing = errors.New("entry is required")
	ErrEntryNotDir  = errors.New("entry is not a directory")
	ErrNotMain      = errors.New("entry is not a Go main package")
	ErrNoModule     = errors.New("entry is outside any Go module")
)

// Entry is a resolved, validated handler package.
type Entry struct {
	Given     string // as the user wrote it
	Dir       string // absolute directory of the main package
	ModuleDir string // absolute directory holding the go.mod that owns Dir
}

// ResolveEntry resolves entry against the working directory (where `cdk synth`
// runs the app, as aws-cdk's GoFunction does) and checks that it is a
// directory holding a Go main package inside a Go module. goarch selects the
// build constraints used to read the package (files for other targets are
// ignored, as `go build` would).
func ResolveEntry(entry, goarch string) (Entry, error) {
	if strings.TrimSpace(entry) == "" {
		return Entry{}, fmt.Errorf("%w: set it to the directory of your handler's main package, e.g. \"./cmd/handler\"", ErrEntryMissing)
	}
	abs, err := filepath.Abs(entry)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: %q: %v", ErrEntryNotDir, entry, err)
	}
	cwd, _ := os.Getwd()
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		return Entry{}, fmt.Errorf("%w: %q resolves to %s (relative to %s), which does not exist; "+
			"give the directory of a main package relative to where `cdk synth` runs, or an absolute path",
			ErrEntryNotDir, entry, abs, cwd)
	case !fi.IsDir():
		return Entry{}, fmt.Errorf("%w: %q resolves to the file %s; give the directory that holds the main package, e.g. %q",
			ErrEntryNotDir, entry, abs, filepath.Dir(entry))
	}

	modDir, ok := findModule(abs)
	if !ok {
		return Entry{}, fmt.Errorf("%w: no go.mod in %s or any parent; run `go mod init <module path>` in your project root", ErrNoModule, abs)
	}

	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", goarch, false
	pkg, err := ctx.ImportDir(abs, 0)
	var noGo *build.NoGoError
	switch {
	case errors.As(err, &noGo):
		return Entry{}, fmt.Errorf("%w: %q (%s) has no Go files for linux/%s; point it at the directory of a `package main` with func main",
			ErrNotMain, entry, abs, goarch)
	case err != nil:
		return Entry{}, fmt.Errorf("%w: %q (%s): %v", ErrNotMain, entry, abs, err)
	case pkg.Name != "main":
		return Entry{}, fmt.Errorf("%w: %q (%s) is package %q; point it at a directory whose files say `package main` and call lift.Start in func main",
			ErrNotMain, entry, abs, pkg.Name)
	}
	return Entry{Given: entry, Dir: abs, ModuleDir: modDir}, nil
}

// findModule walks up from dir to the nearest go.mod, as the go command does.
func findModule(dir string) (string, bool) {
	for {
		if fi, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !fi.IsDir() {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
