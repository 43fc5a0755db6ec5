package docs_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRules enforces the dependency rules architecture.md states,
// for every package of both halves (test-only imports aside):
//   - runtime/... links no CDK side (aws-cdk-go, jsii, constructs-go, constructs/...);
//   - constructs/... links no runtime/...;
//   - internal/contract links the standard library only.
func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`,
		"../runtime/...", "../constructs/...", "../internal/contract").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const mod = "github.com/liftcdk/lift/"
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		var banned []string
		switch {
		case strings.HasPrefix(pkg, mod+"runtime/"):
			banned = []string{"github.com/aws/aws-cdk-go", "github.com/aws/jsii-runtime-go", "github.com/aws/constructs-go", mod + "constructs/"}
		case strings.HasPrefix(pkg, mod+"constructs/"):
			banned = []string{mod + "runtime/"}
		case pkg == mod+"internal/contract":
			for _, d := range deps {
				if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
					t.Errorf("internal/contract must use the standard library only; it links %s", d)
				}
			}
		}
		checked++
		for _, d := range deps {
			for _, b := range banned {
				if strings.HasPrefix(d, b) {
					t.Errorf("%s links %s, which the dependency rules forbid (docs/architecture.md)", pkg, d)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("go list returned %d packages; expected every runtime/ and constructs/ package", checked)
	}
}
