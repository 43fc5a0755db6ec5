package docs_test

import (
	"os/exec"
	"strings"
	"testing"
)

// userCommands are the commands `go install github.com/liftcdk/lift/cmd/...`
// installs: what a user runs, and the warmer the prewarm construct deploys.
var userCommands = map[string]bool{
	"cmd/lift":        true, // the user's command line
	"cmd/lift-warmer": true, // shipped artifact: the warmer Lambda prewarm builds and deploys
	"cmd/liftdemo":    true, // `make demo`, until cmd/lift replaces it
}

// TestOnlyUserCommandsUnderCmd: a main package lives under cmd/ only if users
// run it; Lift's own tools go under internal/cmd/, and handlers of examples
// and tests beside them. Anything else would be installed by `go install
// ./cmd/...` or be a stray command.
func TestOnlyUserCommandsUnderCmd(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const mod = "github.com/liftcdk/lift/"
	mains := 0
	for _, pkg := range strings.Fields(string(out)) {
		mains++
		rel := strings.TrimPrefix(pkg, mod)
		switch {
		case strings.HasPrefix(rel, "cmd/"):
			if !userCommands[rel] {
				t.Errorf("%s is under cmd/ but is not a command users run: move it under internal/cmd/ (or list it in userCommands if users run it)", rel)
			}
		case strings.HasPrefix(rel, "internal/cmd/"), strings.HasPrefix(rel, "examples/"), strings.HasPrefix(rel, "integ/"):
		default:
			t.Errorf("main package %s: commands go under cmd/ (what users run) or internal/cmd/ (Lift's own tools)", rel)
		}
	}
	if mains < 3 {
		t.Fatalf("go list found %d main packages; expected at least the warmer and Lift's own tools", mains)
	}
}
