package service_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/constructs/prewarm"
	"github.com/liftcdk/lift/constructs/service"
	"github.com/liftcdk/lift/internal/contract"
)

const entry = "testdata/handler"

func fn() *gofunction.Props { return &gofunction.Props{Entry: jsii.String(entry)} }

func TestDefaultService(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	svc := service.New(stack, jsii.String("orders"), &service.Props{Function: fn()})
	tmpl := assertions.Template_FromStack(stack, nil)

	if svc.Name != "orders" || svc.Warmer == nil || svc.Monitoring == nil || svc.Cache != nil || svc.Discovery != nil {
		t.Fatalf("default service parts: name %q warmer %v monitoring %v cache %v discovery %v",
			svc.Name, svc.Warmer != nil, svc.Monitoring != nil, svc.Cache != nil, svc.Discovery != nil)
	}
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{contract.EnvService: "orders"})},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Alias"), map[string]any{"Name": service.AliasName})
	// The warmer keeps the alias (never $LATEST) warm and is watched for shortfall.
	tmpl.HasResourceProperties(jsii.String("AWS::Scheduler::Schedule"), map[string]any{
		"Target": assertions.Match_ObjectLike(&map[string]any{"Input": assertions.Match_AnyValue()}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-" + monitoring.AlarmWarmerShortfall,
	})
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(1))
	tmpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(0))
}

func TestServicesConnectThroughDiscovery(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	ns := cloudmap.NewNamespace(stack, jsii.String("Namespace"), &cloudmap.NamespaceProps{Name: jsii.String("shop")})
	inventory := service.New(stack, jsii.String("inventory"), &service.Props{
		Function: fn(), DynamoDBCache: &cachetier.DynamoDBProps{}, Namespace: ns,
		Prewarm: &service.PrewarmProps{Concurrency: jsii.Number(3)},
	})
	orders := service.New(stack, jsii.String("Orders"), &service.Props{
		ServiceName: jsii.String("orders"), Function: fn(), Namespace: ns,
		Prewarm: &service.PrewarmProps{Provisioned: &prewarm.ProvisionedProps{MinCapacity: jsii.Number(1), MaxCapacity: jsii.Number(4)}},
	})
	orders.Connect(inventory)
	tmpl := assertions.Template_FromStack(stack, nil)

	if inventory.DynamoDB == nil || inventory.Discovery == nil || orders.Provisioned == nil || orders.Warmer != nil {
		t.Fatal("parts missing: want inventory table + discovery, orders provisioned without warmer")
	}
	// One warmer schedule for the stack: inventory's; orders is provisioned instead.
	tmpl.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(1))
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
			contract.EnvService: "orders", contract.EnvDiscoveryTargets: "inventory",
		})},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
			contract.EnvService: "inventory", contract.EnvCacheKind: contract.CacheKindDynamoDB,
		})},
	})
	for _, name := range []string{
		"Shop-orders-" + monitoring.AlarmDiscoveryErrors + "-inventory",
		"Shop-orders-" + monitoring.AlarmBreakerOpen + "-inventory",
		"Shop-orders-" + monitoring.AlarmProvisionedSpill,
		"Shop-inventory-" + monitoring.AlarmCacheHitRatio,
		"Shop-inventory-" + monitoring.AlarmDynamoDBThrottles,
		"Shop-inventory-" + monitoring.AlarmWarmerShortfall,
	} {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": name})
	}
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(2))
	tmpl.ResourceCountIs(jsii.String("AWS::ServiceDiscovery::Service"), jsii.Number(2))
}

func TestElastiCacheServicePlacesFunctionInTheCacheVpc(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	svc := service.New(stack, jsii.String("carts"), &service.Props{
		Function: fn(), ElastiCache: &cachetier.ElastiCacheProps{CreateVpc: jsii.Bool(true),
			Serverless: &cachetier.ServerlessProps{MaxECPUPerSecond: jsii.Number(5000), MaxDataStorageGB: jsii.Number(5)}},
		Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)},
	})
	tmpl := assertions.Template_FromStack(stack, nil)
	if svc.ElastiCache == nil || svc.Warmer != nil {
		t.Fatal("want an ElastiCache tier and no warmer")
	}
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"VpcConfig": assertions.Match_ObjectLike(&map[string]any{"SubnetIds": assertions.Match_AnyValue()}),
		"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
			contract.EnvCacheKind: contract.CacheKindValkey,
		})},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-carts-" + monitoring.AlarmCacheThrottledCmds,
	})
	for _, key := range []string{monitoring.AlarmCacheECPU, monitoring.AlarmCacheMemory} { // the tier's limits reach monitoring
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": "Shop-carts-" + key})
	}
	tmpl.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(0))
}

func TestBadProps(t *testing.T) {
	cases := []struct {
		name string
		make func(awscdk.Stack)
		want []string
	}{
		{"nil props", func(s awscdk.Stack) { service.New(s, jsii.String("a"), nil) }, []string{"Shop/a: props is nil"}},
		{"bad name", func(s awscdk.Stack) {
			service.New(s, jsii.String("Orders Service"), &service.Props{Function: fn()})
		}, []string{"Shop/Orders Service: ServiceName is unset, and the construct id \"Orders Service\"", "1-63 letters"}},
		{"no entry", func(s awscdk.Stack) {
			service.New(s, jsii.String("a"), &service.Props{Function: &gofunction.Props{}})
		}, []string{"Function.Entry", "unset"}},
		{"two tiers", func(s awscdk.Stack) {
			service.New(s, jsii.String("a"), &service.Props{Function: fn(),
				DynamoDBCache: &cachetier.DynamoDBProps{}, ElastiCache: &cachetier.ElastiCacheProps{}})
		}, []string{"DynamoDBCache/ElastiCache/Cache", "2 set", "at most one"}},
		{"provisioned with warmer concurrency", func(s awscdk.Stack) {
			service.New(s, jsii.String("a"), &service.Props{Function: fn(), Prewarm: &service.PrewarmProps{
				Concurrency: jsii.Number(2), Provisioned: &prewarm.ProvisionedProps{}}})
		}, []string{"Prewarm.Concurrency/Warmer", "MinCapacity"}},
		{"tier props refused", func(s awscdk.Stack) {
			service.New(s, jsii.String("a"), &service.Props{Function: fn(), ElastiCache: &cachetier.ElastiCacheProps{
				CreateVpc: jsii.Bool(true), VpcSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}}})
		}, []string{"Shop/a/Cache: ElastiCacheProps.VpcSubnets is set with CreateVpc"}},
		{"connect to unregistered", func(s awscdk.Stack) {
			a := service.New(s, jsii.String("a"), &service.Props{Function: fn(), Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)}})
			b := service.New(s, jsii.String("b"), &service.Props{Function: fn(), Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)}})
			a.Connect(b)
		}, []string{"Shop/a: Connect(provider) is Shop/b, not registered in Cloud Map", "Props.Namespace"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := cdktest.SynthError(t, service.ErrInvalidProps, func() { _, stack := cdktest.NewStack(t, "Shop"); tc.make(stack) }).Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}

// TestMultiServiceErrorNamesTheService: when one service of a stack has a bad
// function prop, the error's construct path says which service, and it wraps
// both service.ErrInvalidProps and gofunction.ErrInvalidProps.
func TestMultiServiceErrorNamesTheService(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	service.New(stack, jsii.String("inventory"), &service.Props{Function: fn()})
	bad := fn()
	bad.MemorySize = jsii.Number(64)
	problems := cdktest.SynthProblems(t, service.ErrInvalidProps, func() {
		service.New(stack, jsii.String("orders"), &service.Props{Function: bad})
	})
	if !cdktest.HasProblem(problems, "Shop/orders/Function", "MemorySize", "64", "128 to 10240") {
		t.Fatalf("problems = %+v, want Shop/orders/Function's MemorySize", problems)
	}
	cdktest.SynthError(t, gofunction.ErrInvalidProps, func() {
		service.New(stack, jsii.String("billing"), &service.Props{Function: bad})
	})
}

// TestControlToken: the service's warmed function holds the SHA-256 of the
// token the warmer's input carries, and Function.ControlAuth reaches it.
func TestControlToken(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	props := fn()
	props.ControlAuth = jsii.String(gofunction.ControlAuthRequired)
	service.New(stack, jsii.String("orders"), &service.Props{Function: props})
	tmpl := assertions.Template_FromStack(stack, nil)
	var env map[string]any
	for _, f := range cdktest.Resources(t, tmpl, "AWS::Lambda::Function") {
		vars, _ := f["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
		if vars[contract.EnvService] == "orders" {
			env = vars
		}
	}
	sum, _ := env[contract.EnvControlTokenSHA256].(string)
	if env[contract.EnvControlAuth] != contract.ControlAuthRequired || len(sum) != 64 {
		t.Fatalf("orders environment = %v, want %s=required and a token SHA-256", env, contract.EnvControlAuth)
	}
	for _, s := range cdktest.Resources(t, tmpl, "AWS::Scheduler::Schedule") {
		input := fmt.Sprint(s["Properties"].(map[string]any)["Target"].(map[string]any)["Input"])
		i := strings.Index(input, `"token":"`)
		if i < 0 {
			t.Fatalf("warmer input has no token: %s", input)
		}
		token := input[i+len(`"token":"`):][:64]
		h := sha256.Sum256([]byte(token))
		if hex.EncodeToString(h[:]) != sum || strings.Contains(fmt.Sprint(env), token) {
			t.Errorf("the input's token does not hash to the function's %s, or the token is in the environment", contract.EnvControlTokenSHA256)
		}
	}
}

func TestServiceHTTPFrontDoorOnTheAliasWithAlarms(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	svc := service.New(stack, jsii.String("orders"), &service.Props{
		Function: fn(),
		HTTP:     &frontdoor.Props{Kind: frontdoor.KindHTTPAPI, IntegrationTimeout: awscdk.Duration_Seconds(jsii.Number(5))},
	})
	tmpl := assertions.Template_FromStack(stack, nil)
	if svc.FrontDoor == nil || svc.URL == nil || svc.FrontDoor.API == nil {
		t.Fatal("service with HTTP: FrontDoor, URL and the HTTP API must be set")
	}
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
		"IntegrationUri": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ordersLive"))},
	})
	tmpl.HasOutput(jsii.String("ordersHttpUrl"), assertions.Match_AnyValue())
	for _, key := range []string{monitoring.AlarmHTTP5xxRate, monitoring.AlarmHTTP4xxRate, monitoring.AlarmHTTPLatencyP99} {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": "Shop-orders-" + key})
	}
	// p99 latency is compared to the 5 s integration timeout, on the API's metrics.
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-" + monitoring.AlarmHTTPLatencyP99,
		"Metrics": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"Expression": "100 * p99 / 5000"}),
			assertions.Match_ObjectLike(&map[string]any{"MetricStat": assertions.Match_ObjectLike(&map[string]any{
				"Metric": assertions.Match_ObjectLike(&map[string]any{"Namespace": "AWS/ApiGateway", "MetricName": "Latency"}),
				"Stat":   "p99",
			})}),
		}),
	})
	rule, _ := json.Marshal(cdktest.Resources(t, tmpl, "AWS::CloudWatch::CompositeAlarm"))
	if !strings.Contains(string(rule), monitoring.AlarmHTTP5xxRate) || !strings.Contains(string(rule), monitoring.AlarmHTTPLatencyP99) {
		t.Fatalf("composite alarm rule lacks the front door's alarms: %s", rule)
	}
	dash, _ := json.Marshal(cdktest.Resources(t, tmpl, "AWS::CloudWatch::Dashboard"))
	if !strings.Contains(string(dash), "HTTP API: requests, 4xx, 5xx") {
		t.Fatalf("dashboard lacks the front door's widgets: %s", dash)
	}
}

func TestServiceFunctionURLAlarmsUseTheAliasResource(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	service.New(stack, jsii.String("orders"), &service.Props{Function: fn(), HTTP: &frontdoor.Props{}})
	tmpl := assertions.Template_FromStack(stack, nil)
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Url"), map[string]any{"AuthType": "AWS_IAM", "Qualifier": service.AliasName})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-" + monitoring.AlarmHTTP5xxRate,
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"MetricStat": assertions.Match_ObjectLike(&map[string]any{"Metric": assertions.Match_ObjectLike(&map[string]any{
				"Namespace": "AWS/Lambda", "MetricName": "Url5xxCount",
				"Dimensions": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Name": "Resource"})}),
			})}),
		})}),
	})
}

func TestServiceHTTPTargetIsRefused(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	other := gofunction.New(stack, jsii.String("Other"), fn())
	err := cdktest.SynthError(t, service.ErrInvalidProps, func() {
		service.New(stack, jsii.String("orders"), &service.Props{Function: fn(), HTTP: &frontdoor.Props{Target: other}})
	})
	if !strings.Contains(err.Error(), "HTTP.Target") {
		t.Fatalf("error does not name HTTP.Target: %v", err)
	}
}
