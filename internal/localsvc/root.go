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
// then on PATH. When it is nowhere the error is a *MissingToolError, which
// wraps ErrToolMissing and names the fix.
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
	return "", &MissingToolError{Name: name}
}

// MissingToolError is a tool LookTool found nowhere; Fix says how to get it.
type MissingToolError struct{ Name string }

func (e *MissingToolError) Error() string {
	return fmt.Sprintf("%s is not installed (looked in .tools/bin, node_modules/.bin and PATH): %s", e.Name, e.Fix())
}

// Is makes errors.Is(err, ErrToolMissing) true.
func (e *MissingToolError) Is(target error) bool { return target == ErrToolMissing }

// Fix is how to install the tool: `make setup` for what it installs, the
// apt or pip command for what it only checks.
func (e *MissingToolError) Fix() string {
	if fix, ok := installFixes[e.Name]; ok {
		return fix
	}
	return "run `make setup` at the repository root"
}

var installFixes = map[string]string{
	"redis-server":  "run `make setup` (it runs apt-get install redis-server)",
	"valkey-server": "run `make setup` (it runs apt-get install valkey-server, from bookworm-backports on Debian 12)",
	"moto_server":   "pip install 'moto[server]==5.2.1' (for the python3 on PATH; `make setup` checks it)",
	"cfn-lint":      "pip install cfn-lint==1.51.0 (`make setup` checks it)",
	"aws":           "pip install awscli (`make setup` checks it)",
	"python3":       "apt-get install python3",
	"chromium":      "apt-get install chromium",
	"pyflakes3":     "run `make setup` (it runs apt-get install pyflakes3)",
}
