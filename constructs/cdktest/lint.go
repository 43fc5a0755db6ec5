package cdktest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/testsvc"
)

// Ignored is a cfn-lint rule a caller ignores, with the reason (required).
type Ignored struct {
	Rule   string // e.g. "W3005"
	Reason string
}

// DefaultIgnored are the cfn-lint rules every Lift template ignores.
var DefaultIgnored = []Ignored{{
	Rule: "I1022",
	Reason: "informational: aws-cdk-lib renders some strings it builds (AWS-managed policy ARNs such as " +
		"AWSLambdaVPCAccessExecutionRole, Secrets Manager dynamic references, the warmer schedule's input " +
		"with its target ARNs) as Fn::Join with an empty delimiter; Lift's own strings use Fn::Sub",
}}

// CfnLint runs cfn-lint on the template and fails the test on any finding
// (error, warning or informational) not listed in DefaultIgnored or ignore. A missing
// cfn-lint ends the test through testsvc.Missing (a skip, or a failure in CI).
func CfnLint(t testing.TB, templateJSON []byte, ignore ...Ignored) {
	t.Helper()
	bin := testsvc.Tool(t, "cfn-lint")
	path := filepath.Join(t.TempDir(), "template.json")
	if err := os.WriteFile(path, templateJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--regions", Region, "--include-checks", "I"}
	for _, ig := range append(slices.Clone(DefaultIgnored), ignore...) {
		if strings.TrimSpace(ig.Reason) == "" {
			t.Fatalf("cdktest: cfn-lint rule %s ignored without a reason", ig.Rule)
		}
		args = append(args, "--ignore-checks", ig.Rule)
	}
	args = append(args, "--", path)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cdktest: cfn-lint found problems (%v):\n%s", err, out)
	}
}
