package lift_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraphIsLean keeps what lift.Start links small: no CDK side
// (jsii, aws-cdk-go, constructs), and no SDK or cache clients, which handlers
// import only when they use them. The binary-size target rests on this.
func TestImportGraphIsLean(t *testing.T) {
	for _, pkg := range []string{".", "../metrics", "../health", "../internal/span"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, banned := range []string{
				"github.com/aws/jsii-runtime-go", "github.com/aws/aws-cdk-go", "github.com/aws/constructs-go",
				"github.com/liftcdk/lift/constructs", "github.com/aws/aws-sdk-go-v2", "github.com/valkey-io",
				"github.com/maypok86/otter", "github.com/sony/gobreaker", "go.opentelemetry.io",
			} {
				if strings.HasPrefix(dep, banned) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// TestTracingIsOptIn: the runtime's packages reach OpenTelemetry only through
// runtime/tracing, so a handler that does not import it links none.
func TestTracingIsOptIn(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../cache", "../discovery", "../web").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "go.opentelemetry.io") || dep == "github.com/liftcdk/lift/runtime/tracing" {
			t.Errorf("cache, discovery or web depends on %s", dep)
		}
	}
}
