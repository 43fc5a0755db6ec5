package cache_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreLinksNoBackendClient proves the link rule: a handler that uses only
// runtime/cache (the memory tier) links no DynamoDB, Valkey or Secrets Manager
// client, and nothing from the CDK side.
func TestCoreLinksNoBackendClient(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/liftcdk/lift/runtime/cache").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/aws/aws-sdk-go-v2", "github.com/valkey-io/valkey-go", "github.com/aws/smithy-go",
		"github.com/aws/aws-cdk-go", "github.com/aws/jsii-runtime-go", "github.com/aws/constructs-go",
		"github.com/liftcdk/lift/runtime/cache/dynamocache", "github.com/liftcdk/lift/runtime/cache/valkeycache"}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed too little to trust:\n%s", out)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(d, f) {
				t.Errorf("runtime/cache depends on %s", d)
			}
		}
	}
	var sawOtter bool
	for _, d := range deps {
		sawOtter = sawOtter || strings.HasPrefix(d, "github.com/maypok86/otter/v2")
	}
	if !sawOtter {
		t.Error("dependency list lacks otter: the check is not looking at runtime/cache")
	}
}
