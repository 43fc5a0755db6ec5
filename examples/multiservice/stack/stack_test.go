package stack_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/examples/multiservice/stack"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestStack synthesizes the example as `cdk synth` at the repository root
// does (cdk.json feature flags, default arm64) with cdk-nag AwsSolutions, and
// checks the golden template, cfn-lint, cdk-nag (the example's only
// suppression is the documented IAM5 on the discover statement; gofunction
// adds IAM4 for inventory's VPC-access policy) and the discovery wiring.
func TestStack(t *testing.T) {
	root := testsvc.Root(t)
	app := cdktest.NewApp(t, cdktest.WithCDKJSON(filepath.Join(root, "cdk.json")), cdktest.WithNag())
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	m := stack.NewMultiServiceStack(app, stack.StackName, &stack.MultiServiceProps{
		StackProps:     awscdk.StackProps{Env: cdktest.Env()},
		Architecture:   arch,
		OrdersEntry:    filepath.Join(root, stack.DefaultOrdersEntry),
		InventoryEntry: filepath.Join(root, stack.DefaultInventoryEntry),
	})
	raw := cdktest.TemplateJSON(t, m.Stack)
	t.Run("golden", func(t *testing.T) {
		cdktest.Golden(t, filepath.Join("..", "testdata", stack.StackName+".template.json"), normalizeVersionIDs(raw))
	})
	cdktest.Compliance(t, m.Stack)
	tpl := parse(t, raw)
	// id is the logical id of c's CloudFormation resource, through L2 wrappers.
	id := func(c constructs.IConstruct) string {
		for c != nil {
			if el, ok := c.(awscdk.CfnElement); ok {
				return *m.Stack.GetLogicalId(el)
			}
			c = c.Node().DefaultChild()
		}
		t.Fatal("construct has no CloudFormation resource")
		return ""
	}
	ordersFn, invFn := id(m.Orders.Function), id(m.Inventory.Function)
	// The alias's ARN is built from its function's ARN (no Ref to the alias resource).
	aliasARN := func(fn string) map[string]any {
		return map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Fn::GetAtt": []any{fn, "Arn"}}, ":" + stack.AliasName}}}
	}
	invAlias := aliasARN(invFn)

	t.Run("environment", func(t *testing.T) {
		orders, inventory := tpl.env(t, ordersFn), tpl.env(t, invFn)
		for k, want := range map[string]string{
			"LIFT_DISCOVERY_SERVICE": stack.OrdersService, "LIFT_DISCOVERY_TARGETS": stack.InventoryService,
			"LIFT_DISCOVERY_NAMESPACE": stack.NamespaceName, "LIFT_SERVICE": stack.OrdersService,
		} {
			if orders[k] != want {
				t.Errorf("orders %s = %v, want %q", k, orders[k], want)
			}
		}
		if _, ok := orders["LIFT_CACHE_KIND"]; ok {
			t.Errorf("orders has no cache tier, env = %v", orders)
		}
		for k, want := range map[string]string{
			"LIFT_DISCOVERY_SERVICE": stack.InventoryService, "LIFT_SERVICE": stack.InventoryService,
			"LIFT_CACHE_KIND": "valkey", "LIFT_CACHE_AUTH": "iam",
			"LIFT_CACHE_TLS": "true", "LIFT_CACHE_CLUSTER": "true", "LIFT_CACHE_SERVERLESS": "true",
			"LIFT_CACHE_NAME": m.Inventory.ElastiCache.CacheName(),
		} {
			if inventory[k] != want {
				t.Errorf("inventory %s = %v, want %q", k, inventory[k], want)
			}
		}
		if _, ok := inventory["LIFT_DISCOVERY_TARGETS"]; ok {
			t.Errorf("inventory calls nothing, env = %v", inventory)
		}
	})

	t.Run("IAM", func(t *testing.T) {
		orders, inventory := tpl.statements(t, ordersFn), tpl.statements(t, invFn)
		// orders: invoke only inventory's live alias.
		invokes := withAction(orders, "lambda:InvokeFunction")
		if len(invokes) != 1 || toJSON(invokes[0]["Resource"]) != toJSON(invAlias) {
			t.Errorf("orders' invoke statements = %v, want one on inventory's alias %s only", invokes, invAlias)
		}
		// orders: discover only inventory in this namespace (Resource * needs the conditions).
		discover := withAction(orders, "servicediscovery:DiscoverInstances")
		wantCond := map[string]any{"StringEquals": map[string]any{
			"servicediscovery:NamespaceName": stack.NamespaceName, "servicediscovery:ServiceName": stack.InventoryService}}
		if len(discover) != 1 || toJSON(discover[0]["Condition"]) != toJSON(wantCond) {
			t.Errorf("orders' discover statements = %v, want one scoped by %v", discover, wantCond)
		}
		// Each reports health on its own Cloud Map service only.
		for name, c := range map[string]struct {
			sts []map[string]any
			svc constructs.IConstruct
		}{"orders": {orders, m.Orders.Discovery}, "inventory": {inventory, m.Inventory.Discovery}} {
			health := withAction(c.sts, "servicediscovery:UpdateInstanceCustomHealthStatus")
			want := map[string]any{"Fn::GetAtt": []any{id(c.svc), "Arn"}}
			if len(health) != 1 || toJSON(health[0]["Resource"]) != toJSON(want) {
				t.Errorf("%s's health statements = %v, want one on %v", name, health, want)
			}
		}
		if n := len(withAction(inventory, "lambda:InvokeFunction")) + len(withAction(inventory, "servicediscovery:DiscoverInstances")); n != 0 {
			t.Errorf("inventory calls nothing but has %d invoke/discover statements: %v", n, inventory)
		}
		for _, st := range append(orders, inventory...) {
			if strings.Contains(toJSON(st["Resource"]), `"*"`) && st["Condition"] == nil {
				t.Errorf("unconditioned statement on *: %v", st)
			}
		}
	})

	t.Run("inventory in the cache's VPC with a Cloud Map endpoint", func(t *testing.T) {
		vpc, _ := tpl.Resources[invFn].Properties["VpcConfig"].(map[string]any)
		if vpc == nil || len(vpc["SubnetIds"].([]any)) != 2 {
			t.Fatalf("inventory VpcConfig = %v, want the cache VPC's two isolated subnets", vpc)
		}
		ep := tpl.Resources[id(m.CloudMapEndpoint)].Properties
		if !strings.Contains(toJSON(ep["ServiceName"]), "servicediscovery") || ep["PrivateDnsEnabled"] != true || ep["VpcEndpointType"] != "Interface" {
			t.Errorf("Cloud Map endpoint = %v, want an interface endpoint for servicediscovery with private DNS", ep)
		}
		// The endpoint admits inventory's security group on 443, nothing else.
		epSG := toJSON(ep["SecurityGroupIds"])
		var ingress []map[string]any
		for _, r := range tpl.ofType("AWS::EC2::SecurityGroupIngress") {
			if strings.Contains(epSG, toJSON(r["GroupId"])) {
				ingress = append(ingress, r)
			}
		}
		fnSG := toJSON(vpc["SecurityGroupIds"].([]any)[0])
		if len(ingress) != 1 || ingress[0]["FromPort"] != float64(443) || toJSON(ingress[0]["SourceSecurityGroupId"]) != fnSG {
			t.Errorf("endpoint ingress = %v, want only 443 from inventory's security group %s", ingress, fnSG)
		}
	})

	t.Run("alarms notify the encrypted topic", func(t *testing.T) {
		topic := id(m.AlarmTopic)
		composites := tpl.ofType("AWS::CloudWatch::CompositeAlarm")
		if len(composites) != 2 {
			t.Fatalf("want one composite alarm per service, got %d", len(composites))
		}
		for _, c := range composites {
			if toJSON(c["AlarmActions"]) != toJSON([]any{map[string]any{"Ref": topic}}) {
				t.Errorf("composite alarm %v actions = %v, want the topic %s", c["AlarmName"], c["AlarmActions"], topic)
			}
		}
		var keyID string
		for lid, r := range tpl.Resources {
			if r.Type == "AWS::KMS::Key" {
				keyID = lid
			}
		}
		if key := tpl.Resources[topic].Properties["KmsMasterKeyId"]; keyID == "" ||
			toJSON(key) != toJSON(map[string]any{"Fn::GetAtt": []any{keyID, "Arn"}}) {
			t.Errorf("topic key = %v, want the stack's customer-managed key %s", key, keyID)
		}
		if len(tpl.ofType("AWS::SNS::Topic")) != 1 {
			t.Errorf("want the one explicit topic (no per-service default topics)")
		}
		for _, k := range tpl.ofType("AWS::KMS::Key") {
			if !strings.Contains(toJSON(k["KeyPolicy"]), "cloudwatch.amazonaws.com") {
				t.Errorf("topic key policy does not let CloudWatch use it: %v", k["KeyPolicy"])
			}
		}
	})

	instances := tpl.ofType("AWS::ServiceDiscovery::Instance")
	if len(instances) != 2 {
		t.Fatalf("want 2 Cloud Map instances, got %d", len(instances))
	}
	for _, in := range instances {
		attrs := in["InstanceAttributes"].(map[string]any)
		ref, _ := json.Marshal(attrs["LIFT_FUNCTION_ARN"])
		if attrs["LIFT_ALIAS"] != stack.AliasName || attrs["LIFT_PROTOCOL"] != "lambda" || !strings.Contains(string(ref), `":`+stack.AliasName+`"`) {
			t.Errorf("instance %v attributes = %v", in["InstanceId"], attrs)
		}
	}
}

type template struct {
	Resources map[string]struct {
		Type       string
		Properties map[string]any
	}
}

func parse(t *testing.T, raw []byte) *template {
	t.Helper()
	var tpl template
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	return &tpl
}

func (tpl *template) ofType(typ string) []map[string]any {
	var out []map[string]any
	for _, r := range tpl.Resources {
		if r.Type == typ {
			out = append(out, r.Properties)
		}
	}
	return out
}

func (tpl *template) env(t *testing.T, fn string) map[string]any {
	t.Helper()
	r, ok := tpl.Resources[fn]
	if !ok || r.Type != "AWS::Lambda::Function" {
		t.Fatalf("%s is not a function in the template", fn)
	}
	return r.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
}

// statements are the statements of every inline policy on fn's role.
func (tpl *template) statements(t *testing.T, fn string) []map[string]any {
	t.Helper()
	role := toJSON(tpl.Resources[fn].Properties["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0])
	var out []map[string]any
	for _, p := range tpl.ofType("AWS::IAM::Policy") {
		if !strings.Contains(toJSON(p["Roles"]), role) {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out
}

func withAction(sts []map[string]any, action string) []map[string]any {
	var out []map[string]any
	for _, s := range sts {
		if strings.Contains(toJSON(s["Action"]), `"`+action+`"`) {
			out = append(out, s)
		}
	}
	return out
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
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
			ctx[gofunction.ArchitectureContext] = tc.ctx
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		a, err := gofunction.ArchitectureFromContext(app)
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
