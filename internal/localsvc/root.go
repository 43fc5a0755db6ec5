package localsvc

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModulePath is the main module whose root FindRoot finds.
const ModulePath = "github.com/liftcdk/lift"

// ErrToolMissing means a tool is not installed; `make setup` installs it.
var ErrToolMissing = errors.New("tool not installed")

// FindRoot returns the directory of Lift's main module (the go.mod that
// declares ModulePath), walking up from the working directory.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if mod, err := ModulePathOf(filepath.Join(dir, "go.mod")); err == nil && mod == ModulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod for %s above the working directory; run from inside the repository", ModulePath)
		}
		dir = parent
	}
}

// ModulePathOf returns the module path a go.mod declares.
func ModulePathOf(goMod string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", errors.New("no module line")
}

// LookTool returns the path of an executable, looked up in the repository's
// pinned tool folders first (root/.tools/bin, then root/node_modules/.bin) and
// then on PATH. Its error wraps ErrToolMissing and names the fix.
func LookTool(root, name string) (string, error) {
	for _, dir := range []string{filepath.Join(root, ".tools", "bin"), filepath.Join(root, "node_modules", ".bin")} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s: %w in .tools/bin, node_modules/.bin or PATH: run `make setup` at the repository root", name, ErrToolMissing)
}
