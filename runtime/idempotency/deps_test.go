package idempotency_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestStoresLinkOnlyTheirClient proves the link rule: the core links no AWS
// or Valkey client, and each store links only its own.
func TestStoresLinkOnlyTheirClient(t *testing.T) {
	const mod = "github.com/liftcdk/lift/runtime/idempotency"
	for _, tt := range []struct {
		pkg, must string
		forbidden []string
	}{
		{mod, "github.com/liftcdk/lift/runtime/cache", []string{"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go", "github.com/valkey-io/", mod + "/dynamostore", mod + "/valkeystore"}},
		{mod + "/dynamostore", "github.com/aws/aws-sdk-go-v2/service/dynamodb", []string{"github.com/valkey-io/", mod + "/valkeystore"}},
		{mod + "/valkeystore", "github.com/valkey-io/valkey-go", []string{"github.com/aws/aws-sdk-go-v2/service/dynamodb", mod + "/dynamostore"}},
	} {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, tt.must) {
			t.Errorf("%s: dependency list lacks %s: the check is not looking at the right package", tt.pkg, tt.must)
		}
		for _, d := range deps {
			for _, f := range append(tt.forbidden, "github.com/aws/aws-cdk-go", "github.com/aws/jsii-runtime-go", "github.com/aws/constructs-go") {
				if strings.HasPrefix(d, f) {
					t.Errorf("%s depends on %s", tt.pkg, d)
				}
			}
		}
	}
}
