package stack_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/examples/multiservice/stack"
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestStack synthesizes the example as `cdk synth` at the repository root
// does (cdk.json feature flags, default arm64) with cdk-nag AwsSolutions, and
// checks the golden template, cfn-lint, cdk-nag (the only suppression is the
// documented IAM5 on the discover statement) and the discovery wiring.
func TestStack(t *testing.T) {
	root := testsvc.Root(t)
	app := cdktest.NewApp(t, cdktest.WithCDKJSON(filepath.Join(root, "cdk.json")), cdktest.WithNag())
	arch, err := stack.ArchitectureFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	m := stack.NewMultiServiceStack(app, stack.StackName, &stack.MultiServiceProps{
		StackProps:     awscdk.StackProps{Env: cdktest.Env()},
		Architecture:   arch,
		OrdersEntry:    filepath.Join(root, stack.DefaultOrdersEntry),
		InventoryEntry: filepath.Join(root, stack.DefaultInventoryEntry),
	})
	if err := m.InventorySvc.Err(); err != nil {
		t.Fatal(err)
	}
	raw := cdktest.TemplateJSON(t, m.Stack)
	t.Run("golden", func(t *testing.T) {
		cdktest.Golden(t, filepath.Join("..", "testdata", stack.StackName+".template.json"), normalizeVersionIDs(raw))
	})
	t.Run("cfn-lint", func(t *testing.T) {
		cdktest.CfnLint(t, raw, cdktest.Ignored{Rule: "W3005",
			Reason: "aws-cdk-lib's Function adds DependsOn on its execution role next to the Role GetAtt: redundant, harmless"})
	})
	t.Run("cdk-nag", func(t *testing.T) { cdktest.RequireNagClean(t, m.Stack) })
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	envs := map[string]map[string]any{}
	var instances []map[string]any
	for _, r := range tpl.Resources {
		switch r.Type {
		case "AWS::Lambda::Function":
			vars := r.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
			envs[vars[contract.EnvDiscoveryService].(string)] = vars
		case "AWS::ServiceDiscovery::Instance":
			instances = append(instances, r.Properties)
		}
	}
	orders, inventory := envs[stack.OrdersService], envs[stack.InventoryService]
	if orders == nil || inventory == nil {
		t.Fatalf("functions registered as orders and inventory not found: %v", envs)
	}
	if orders[contract.EnvDiscoveryTargets] != stack.InventoryService || orders[contract.EnvDiscoveryNamespace] != stack.NamespaceName {
		t.Errorf("orders env = %v", orders)
	}
	if _, ok := inventory[contract.EnvDiscoveryTargets]; ok {
		t.Errorf("inventory calls nothing, env = %v", inventory)
	}
	if len(instances) != 2 {
		t.Fatalf("want 2 Cloud Map instances, got %d", len(instances))
	}
	for _, in := range instances {
		attrs := in["InstanceAttributes"].(map[string]any)
		ref, _ := json.Marshal(attrs[contract.AttrFunctionARN])
		if attrs[contract.AttrAlias] != stack.AliasName || attrs[contract.AttrProtocol] != contract.ProtocolLambda || !strings.Contains(string(ref), "Alias") {
			t.Errorf("instance %v attributes = %v", in["InstanceId"], attrs)
		}
	}
}

// versionID matches the hash aws-cdk-lib appends to a function's
// CurrentVersion logical id: an MD5 of the function's configuration including
// the code asset hash, so it changes with the Go toolchain like the asset hash
// (which cdktest normalizes).
var versionID = regexp.MustCompile(`(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}`)

func normalizeVersionIDs(b []byte) []byte {
	return versionID.ReplaceAll(b, []byte("${1}VERSION_HASH"))
}

// TestArchitectureContext: arm64 by default, x86_64 selectable, anything
// else refused with the fix.
func TestArchitectureContext(t *testing.T) {
	for _, tc := range []struct {
		ctx  any
		want string
	}{{nil, "arm64"}, {"arm64", "arm64"}, {"x86_64", "x86_64"}, {"amd64", ""}, {42, ""}} {
		ctx := map[string]any{}
		if tc.ctx != nil {
			ctx[stack.ArchitectureContext] = tc.ctx
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		a, err := stack.ArchitectureFromContext(app)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "x86_64") {
				t.Errorf("context %v: error = %v, want one naming the choices", tc.ctx, err)
			}
			continue
		}
		if err != nil || *a.Name() != tc.want {
			t.Errorf("context %v: got %v, %v; want %s", tc.ctx, a, err, tc.want)
		}
	}
}
