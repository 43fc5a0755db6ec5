package cloudmap_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsservicediscovery"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/internal/contract"
)

// TestRegisterAndConnect builds orders -> inventory (+ payments) in one
// namespace and checks every resource, attribute, variable and grant.
func TestRegisterAndConnect(t *testing.T) {
	f := newFixture(t)
	inventory, _, _ := f.service("inventory")
	payments, _, _ := f.service("payments")
	_, ordersFn, _ := f.service("orders")

	// A fourth, unconnected service: orders must not be able to invoke it.
	f.service("billing")

	// One call wires everything; repeating it changes nothing.
	for range 2 {
		cloudmap.Connect(ordersFn, inventory)
	}
	payments.Connect(ordersFn)
	// Instances registered after the connection are invocable too.
	invFn2 := f.function("inventoryCanaryFn")
	inventory.Register(jsii.String("inventory-canary"), &cloudmap.InstanceProps{
		Function: invFn2, Version: invFn2.CurrentVersion(), Weight: jsii.Number(0),
	})

	tpl, m := f.template(t)

	t.Run("namespace", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::ServiceDiscovery::HttpNamespace"), jsii.Number(1))
		tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::HttpNamespace"), map[string]any{"Name": "shop"})
	})

	t.Run("service health config", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::ServiceDiscovery::Service"), jsii.Number(4))
		nsID := logicalID(t, m, "AWS::ServiceDiscovery::HttpNamespace", "Discovery")
		for _, name := range []string{"inventory", "payments", "orders", "billing"} {
			tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::Service"), map[string]any{
				"Name":                    name,
				"NamespaceId":             map[string]any{"Fn::GetAtt": []any{nsID, "Id"}},
				"HealthCheckCustomConfig": map[string]any{"FailureThreshold": 1},
				"HealthCheckConfig":       assertions.Match_Absent(),
				"DnsConfig":               assertions.Match_Absent(),
			})
		}
	})

	invSvc := logicalID(t, m, "AWS::ServiceDiscovery::Service", "Discoveryinventory")
	// An alias's ARN is its function's ARN + ":<alias>" (lambdaarn.Qualified),
	// never the alias resource's Ref.
	aliasARN := func(fnPrefix string) map[string]any {
		fn := logicalID(t, m, "AWS::Lambda::Function", fnPrefix)
		return map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Fn::GetAtt": []any{fn, "Arn"}}, ":live"}}}
	}
	invAlias, payAlias, billAlias := aliasARN("inventoryFn"), aliasARN("paymentsFn"), aliasARN("billingFn")
	canaryVersion := logicalID(t, m, "AWS::Lambda::Version", "inventoryCanaryFnCurrentVersion")

	t.Run("instance attributes", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::Instance"), map[string]any{
			"InstanceId": "inventory-live",
			"ServiceId":  map[string]any{"Fn::GetAtt": []any{invSvc, "Id"}},
			"InstanceAttributes": map[string]any{
				contract.AttrFunctionARN: invAlias,
				contract.AttrAlias:       "live",
				contract.AttrRegion:      "eu-west-1",
				contract.AttrWeight:      "1",
				contract.AttrProtocol:    contract.ProtocolLambda,
			},
		})
		// A version-qualified instance: version ARN, no alias, weight 0.
		tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::Instance"), map[string]any{
			"InstanceId": "inventory-canary",
			"InstanceAttributes": map[string]any{
				contract.AttrFunctionARN: map[string]any{"Ref": canaryVersion},
				contract.AttrRegion:      "eu-west-1",
				contract.AttrWeight:      "0",
				contract.AttrProtocol:    contract.ProtocolLambda,
			},
		})
		for id, in := range resources(m, "AWS::ServiceDiscovery::Instance") {
			attrs := in["InstanceAttributes"].(map[string]any)
			if arn := js(attrs[contract.AttrFunctionARN]); !strings.Contains(arn, `":live"`) && !strings.Contains(arn, "CurrentVersion") {
				t.Errorf("instance %s registers %s: not a qualified (alias or version) ARN", id, arn)
			}
			if _, ok := attrs[contract.AttrURL]; ok {
				t.Errorf("instance %s has %s without a function URL", id, contract.AttrURL)
			}
		}
	})

	ordersFnID := logicalID(t, m, "AWS::Lambda::Function", "ordersFn")
	t.Run("env", func(t *testing.T) {
		got := env(t, m, ordersFnID)
		want := map[string]string{
			contract.EnvDiscoveryNamespace:  `"shop"`,
			contract.EnvDiscoveryTargets:    `"inventory,payments"`,
			contract.EnvDiscoveryService:    `"orders"`,
			contract.EnvDiscoveryInstanceID: `"orders-live"`,
			contract.EnvDiscoveryRefresh:    `"30s"`,
			contract.EnvDiscoveryMaxStale:   `"15m0s"`,
			contract.EnvDiscoveryServiceID:  js(map[string]any{"Fn::GetAtt": []any{logicalID(t, m, "AWS::ServiceDiscovery::Service", "Discoveryorders"), "Id"}}),
		}
		for k, v := range want {
			if js(got[k]) != v {
				t.Errorf("orders %s = %s, want %s", k, js(got[k]), v)
			}
		}
		inv := env(t, m, logicalID(t, m, "AWS::Lambda::Function", "inventoryFn"))
		if _, ok := inv[contract.EnvDiscoveryTargets]; ok {
			t.Errorf("inventory connects to nothing but has %s=%s", contract.EnvDiscoveryTargets, js(inv[contract.EnvDiscoveryTargets]))
		}
		if js(inv[contract.EnvDiscoveryInstanceID]) != `"inventory-live"` {
			t.Errorf("inventory %s = %s", contract.EnvDiscoveryInstanceID, js(inv[contract.EnvDiscoveryInstanceID]))
		}
	})

	t.Run("iam", func(t *testing.T) {
		var discover, invoke []string
		var health []map[string]any
		for _, s := range statements(t, m, "ordersFn") {
			actions := js(s["Action"])
			switch {
			case strings.Contains(actions, "DiscoverInstances"):
				if actions != js([]string{cloudmap.ActionDiscoverInstances, cloudmap.ActionDiscoverInstancesRevision}) {
					t.Errorf("discover actions = %s", actions)
				}
				if js(s["Resource"]) != `"*"` {
					t.Errorf("discover resource = %s, want * (no resource-level permissions)", js(s["Resource"]))
				}
				cond := s["Condition"].(map[string]any)["StringEquals"].(map[string]any)
				if cond[cloudmap.ConditionNamespaceName] != "shop" {
					t.Errorf("discover namespace condition = %s", js(cond))
				}
				discover = append(discover, cond[cloudmap.ConditionServiceName].(string))
			case strings.Contains(actions, "lambda:"):
				if actions != `"lambda:InvokeFunction"` {
					t.Errorf("invoke actions = %s", actions)
				}
				invoke = append(invoke, js(s["Resource"]))
			case strings.Contains(actions, "UpdateInstanceCustomHealthStatus"):
				health = append(health, s)
			default:
				t.Errorf("unexpected statement %s", js(s))
			}
		}
		slices.Sort(discover)
		if js(discover) != `["inventory","payments"]` {
			t.Errorf("orders discovers %v, want inventory and payments", discover)
		}
		wantInvoke := []string{
			js(invAlias), js(map[string]any{"Ref": canaryVersion}), js(payAlias),
		}
		slices.Sort(invoke)
		slices.Sort(wantInvoke)
		if js(invoke) != js(wantInvoke) {
			t.Errorf("orders may invoke %v, want exactly %v", invoke, wantInvoke)
		}
		if slices.Contains(invoke, js(billAlias)) {
			t.Error("orders may invoke billing, which it is not connected to")
		}
		ordersSvc := logicalID(t, m, "AWS::ServiceDiscovery::Service", "Discoveryorders")
		if len(health) != 1 || js(health[0]["Resource"]) != js(map[string]any{"Fn::GetAtt": []any{ordersSvc, "Arn"}}) {
			t.Errorf("orders health report statements = %s, want one on its own service ARN", js(health))
		}
		// The provider discovers nothing and invokes nothing.
		for _, s := range statements(t, m, "inventoryFn") {
			if a := js(s["Action"]); a != `"servicediscovery:UpdateInstanceCustomHealthStatus"` {
				t.Errorf("inventory has unexpected statement %s", js(s))
			}
		}
	})
}

func TestFunctionURLAndImportedNamespace(t *testing.T) {
	f := newBareFixture(t)
	ns := cloudmap.ImportNamespace(f.stack, jsii.String("Shared"), &awsservicediscovery.HttpNamespaceAttributes{
		NamespaceName: jsii.String("platform"),
		NamespaceId:   jsii.String("ns-abc123"),
		NamespaceArn:  jsii.String("arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abc123"),
	})
	fn := f.function("searchFn")
	alias := fn.AddAlias(jsii.String("live"), nil)
	url := alias.AddFunctionUrl(&awslambda.FunctionUrlOptions{AuthType: awslambda.FunctionUrlAuthType_AWS_IAM})
	svc := ns.AddService(jsii.String("Search"), &cloudmap.ServiceProps{Name: jsii.String("search")})
	svc.Register(jsii.String("search-live"), &cloudmap.InstanceProps{
		Function: fn, Alias: alias, FunctionUrl: url, Protocol: jsii.String(contract.ProtocolHTTP), Weight: jsii.Number(5),
	})
	caller := f.function("frontFn")
	svc.Connect(caller, cloudmap.WithRefresh(10*time.Second), cloudmap.WithMaxStale(time.Hour))
	tpl, m := f.template(t)
	tpl.ResourceCountIs(jsii.String("AWS::ServiceDiscovery::HttpNamespace"), jsii.Number(0))
	tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::Service"), map[string]any{"Name": "search", "NamespaceId": "ns-abc123"})
	urlID := logicalID(t, m, "AWS::Lambda::Url", "searchFnAliaslive")
	searchFn := logicalID(t, m, "AWS::Lambda::Function", "searchFn")
	aliasARN := map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Fn::GetAtt": []any{searchFn, "Arn"}}, ":live"}}}
	tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::Instance"), map[string]any{
		"InstanceId": "search-live",
		"InstanceAttributes": map[string]any{
			contract.AttrFunctionARN: aliasARN,
			contract.AttrAlias:       "live",
			contract.AttrRegion:      "eu-west-1",
			contract.AttrWeight:      "5",
			contract.AttrProtocol:    contract.ProtocolHTTP,
			contract.AttrURL:         map[string]any{"Fn::GetAtt": []any{urlID, "FunctionUrl"}},
		},
	})
	front := env(t, m, logicalID(t, m, "AWS::Lambda::Function", "frontFn"))
	if js(front[contract.EnvDiscoveryNamespace]) != `"platform"` || js(front[contract.EnvDiscoveryTargets]) != `"search"` ||
		js(front[contract.EnvDiscoveryRefresh]) != `"10s"` || js(front[contract.EnvDiscoveryMaxStale]) != `"1h0m0s"` {
		t.Errorf("front env = %s", js(front))
	}
	var invoke string
	for _, s := range statements(t, m, "frontFn") {
		if strings.Contains(js(s["Action"]), "lambda:") {
			invoke = js(s)
		}
	}
	want := js(map[string]any{"Action": []string{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"}, "Effect": "Allow", "Resource": aliasARN})
	if invoke != want {
		t.Errorf("front invoke statement = %s, want %s", invoke, want)
	}
}

// TestFunctionURLAuth: the http protocol gets an AWS_IAM function URL by
// default, which connected callers may invoke; a public URL only on request,
// with a warning.
func TestFunctionURLAuth(t *testing.T) {
	f := newFixture(t)
	private, public := f.function("privateFn"), f.function("publicFn")
	svc := f.ns.AddService(jsii.String("web"), nil)
	in := svc.Register(jsii.String("private"), &cloudmap.InstanceProps{Function: private, Alias: private.AddAlias(jsii.String("live"), nil), Protocol: jsii.String(contract.ProtocolHTTP)})
	pub := f.ns.AddService(jsii.String("site"), nil)
	pub.Register(jsii.String("public"), &cloudmap.InstanceProps{Function: public, Alias: public.AddAlias(jsii.String("live"), nil), Protocol: jsii.String(contract.ProtocolHTTP), PublicUrl: jsii.Bool(true)})
	caller := f.function("callerFn")
	svc.Connect(caller)
	if in.FunctionUrl == nil {
		t.Fatal("no function URL on the http instance")
	}
	tpl, m := f.template(t)
	urls := map[string]string{}
	for id, r := range resources(m, "AWS::Lambda::Url") {
		urls[id] = js(r["AuthType"])
	}
	privateURL, publicURL := logicalID(t, m, "AWS::Lambda::Url", "privateFnAliaslive"), logicalID(t, m, "AWS::Lambda::Url", "publicFnAliaslive")
	if urls[privateURL] != `"AWS_IAM"` || urls[publicURL] != `"NONE"` || len(urls) != 2 {
		t.Errorf("function URL auth types = %v, want AWS_IAM for the default and NONE only for PublicUrl", urls)
	}
	tpl.HasResourceProperties(jsii.String("AWS::ServiceDiscovery::Instance"), map[string]any{
		"InstanceId":         "private",
		"InstanceAttributes": assertions.Match_ObjectLike(&map[string]any{contract.AttrURL: map[string]any{"Fn::GetAtt": []any{privateURL, "FunctionUrl"}}}),
	})
	var invoke string
	for _, s := range statements(t, m, "callerFn") {
		if strings.Contains(js(s["Action"]), "lambda:") {
			invoke = js(s["Action"])
		}
	}
	if invoke != `["lambda:InvokeFunction","lambda:InvokeFunctionUrl"]` {
		t.Errorf("caller invoke actions = %s, want InvokeFunction and InvokeFunctionUrl", invoke)
	}
	warnings := assertions.Annotations_FromStack(f.stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("is public \\(AuthType NONE\\)")))
	if len(*warnings) != 1 {
		t.Errorf("want one public-URL warning, got %d", len(*warnings))
	}
}

// TestStateLivesInTheTree: what Connect and Register know about a function
// is kept under it in the construct tree, so a second app starts clean.
func TestStateLivesInTheTree(t *testing.T) {
	for range 2 {
		f := newFixture(t)
		_, fn, _ := f.service("orders")
		if fn.Node().TryFindChild(jsii.String("LiftDiscovery")) == nil {
			t.Fatal("no discovery state under the registered function")
		}
	}
}
