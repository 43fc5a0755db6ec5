package multiservice

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/examples/multiservice/stack"
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
)

// services reads back the stack's functions and returns them by the
// Cloud Map service each is registered as.
func services(t *testing.T, ctx context.Context, c *localcloud.Cloud) map[string]localcloud.Function {
	t.Helper()
	out := map[string]localcloud.Function{}
	for _, r := range c.Stack().Resources {
		if r.Type != "AWS::Lambda::Function" {
			continue
		}
		fn, err := c.Function(ctx, r.LogicalID)
		if err != nil {
			t.Fatal(err)
		}
		if name := fn.Env[contract.EnvDiscoveryService]; name != "" {
			out[name] = fn
		}
	}
	if out[stack.OrdersService].Name == "" || out[stack.InventoryService].Name == "" {
		t.Fatalf("deployed functions registered as %v, want %q and %q", slices.Sorted(maps.Keys(out)), stack.OrdersService, stack.InventoryService)
	}
	return out
}

// TestMultiServiceLocalCloud deploys the example, reads back what the deploy
// created and runs orders calling inventory through Cloud Map.
func TestMultiServiceLocalCloud(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	c := testsvc.Deploy(t, ctx, localcloud.Options{
		Stack: stack.StackName, App: "go run ./examples/multiservice",
		// inventory's ElastiCache Serverless cache, stood in by valkey-server.
		CacheStandIn: true,
	})
	cfg := c.Moto().AWSConfig()
	sd := servicediscovery.NewFromConfig(cfg)
	fns := services(t, ctx, c)
	ordersFn, inventoryFn := fns[stack.OrdersService], fns[stack.InventoryService]

	t.Run("stack", func(t *testing.T) {
		st := c.Stack()
		if st.Status != "CREATE_COMPLETE" {
			t.Fatalf("stack %s is %s", st.Name, st.Status)
		}
		types := map[string]int{}
		for _, r := range st.Resources {
			types[r.Type]++
			if r.Type != "" && r.Status != "CREATE_COMPLETE" {
				t.Errorf("resource %s (%s) is %s", r.LogicalID, r.Type, r.Status)
			}
		}
		for typ, n := range map[string]int{
			"AWS::Lambda::Function": 3, "AWS::ServiceDiscovery::HttpNamespace": 1, "AWS::ServiceDiscovery::Service": 2,
			"AWS::ServiceDiscovery::Instance": 2, "AWS::ElastiCache::ServerlessCache": 1, "AWS::EC2::VPC": 1,
			"AWS::CloudWatch::Dashboard": 2, "AWS::SNS::Topic": 1, "AWS::KMS::Key": 1,
		} {
			if types[typ] != n {
				t.Errorf("stack has %d %s, want %d (orders, inventory, the warmer; their Cloud Map entries, inventory's cache in its VPC, one dashboard each, the alarm topic)", types[typ], typ, n)
			}
		}
	})

	// What a caller finds in Cloud Map: the namespace, both services, and
	// each service's one instance carrying the contract's attributes.
	var inventoryARN, inventoryInstance string
	serviceIDs := map[string]string{}
	t.Run("Cloud Map registered by the deploy", func(t *testing.T) {
		namespaceID := namespace(t, ctx, sd, ordersFn.Env[contract.EnvDiscoveryNamespace])
		list, err := sd.ListServices(ctx, &servicediscovery.ListServicesInput{})
		if err != nil {
			t.Fatalf("ListServices: %v", err)
		}
		for _, s := range list.Services {
			serviceIDs[aws.ToString(s.Name)] = aws.ToString(s.Id)
		}
		for name, fn := range fns {
			id := serviceIDs[name]
			svc, err := sd.GetService(ctx, &servicediscovery.GetServiceInput{Id: aws.String(id)})
			if err != nil {
				t.Fatalf("GetService %s (%q): %v", name, id, err)
			}
			if aws.ToString(svc.Service.NamespaceId) != namespaceID || svc.Service.HealthCheckCustomConfig == nil {
				t.Errorf("service %s: namespace %q, custom health %v; want namespace %s with custom health checks",
					name, aws.ToString(svc.Service.NamespaceId), svc.Service.HealthCheckCustomConfig, namespaceID)
			}
			if fn.Env[contract.EnvDiscoveryServiceID] != id {
				t.Errorf("%s's %s = %q, want the service id Cloud Map holds, %q", name, contract.EnvDiscoveryServiceID, fn.Env[contract.EnvDiscoveryServiceID], id)
			}
			inst, err := sd.ListInstances(ctx, &servicediscovery.ListInstancesInput{ServiceId: aws.String(id)})
			if err != nil || len(inst.Instances) != 1 {
				t.Fatalf("ListInstances %s: %v, %d instances; want the one the stack registers", name, err, len(inst.Instances))
			}
			got := inst.Instances[0]
			want := map[string]string{
				contract.AttrFunctionARN: fn.ARN + ":" + stack.AliasName, contract.AttrAlias: stack.AliasName,
				contract.AttrProtocol: "lambda", contract.AttrRegion: "us-east-1",
			}
			for k, v := range want {
				if got.Attributes[k] != v {
					t.Errorf("%s's instance %s = %q, want %q (attributes %v)", name, k, got.Attributes[k], v, got.Attributes)
				}
			}
			if aws.ToString(got.Id) != fn.Env[contract.EnvDiscoveryInstanceID] {
				t.Errorf("%s's instance is %q, its %s %q", name, aws.ToString(got.Id), contract.EnvDiscoveryInstanceID, fn.Env[contract.EnvDiscoveryInstanceID])
			}
			if name == stack.InventoryService {
				inventoryARN, inventoryInstance = got.Attributes[contract.AttrFunctionARN], aws.ToString(got.Id)
			}
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("inventory's cache is the deployed serverless cache", func(t *testing.T) {
		env, standIn := inventoryFn.Env, c.CacheStandIn()
		for k, want := range map[string]string{
			contract.EnvCacheKind: contract.CacheKindValkey, contract.EnvCacheEndpoint: standIn.Addr,
			contract.EnvCacheTLS: "true", contract.EnvCacheCluster: "true", contract.EnvCacheAuth: contract.CacheAuthIAM,
		} {
			if env[k] != want {
				t.Errorf("inventory's %s = %q, want %q", k, env[k], want)
			}
		}
		if _, ok := ordersFn.Env[contract.EnvCacheKind]; ok {
			t.Errorf("orders has a cache tier (%s=%q); the example gives it none", contract.EnvCacheKind, ordersFn.Env[contract.EnvCacheKind])
		}
	})

	t.Run("dashboards, alarms, aliases and alarm topic", func(t *testing.T) {
		for name, fn := range fns {
			dash := stack.StackName + "-" + name
			body := c.Report().ReadBack.Dashboards[dash]
			if !json.Valid([]byte(body)) || !strings.Contains(body, fn.Name) || !strings.Contains(body, ":alarm:"+dash+"-") {
				t.Errorf("dashboard %s does not show function %s and its %s-* alarms:\n%s", dash, fn.Name, dash, body)
			}
		}
		var keyID string
		for _, r := range c.Stack().Resources {
			if r.Type == "AWS::KMS::Key" {
				keyID = r.PhysicalID
			}
		}
		topics := c.Report().ReadBack.Topics
		if len(topics) != 1 {
			t.Fatalf("topics read back: %v, want the one alarm topic", topics)
		}
		for arn, topic := range topics {
			if keyID == "" || !strings.Contains(topic.KMSKey, keyID) {
				t.Errorf("alarm topic %s is encrypted with %q, want the stack's key %s", arn, topic.KMSKey, keyID)
			}
		}
		rb := c.Report().ReadBack
		for arn := range topics {
			if n := testsvc.CheckAlarms(t, rb, stack.StackName, arn, stack.OrdersService, stack.InventoryService); n != len(rb.Alarms) {
				t.Errorf("checked %d alarms of %d read back; want every one", n, len(rb.Alarms))
			}
		}
		for _, fn := range fns {
			if v := rb.Aliases[fn.ARN+":"+stack.AliasName]; v == "" || v == "$LATEST" {
				t.Errorf("aliases %v, want %s:%s on a published version", rb.Aliases, fn.ARN, stack.AliasName)
			}
		}
	})

	inventory := testsvc.Emulate(t, c, inventoryFn, nil)
	router := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{inventoryARN: {inventory.URL}})
	orders := testsvc.Emulate(t, c, ordersFn, map[string]string{
		"AWS_ENDPOINT_URL_LAMBDA": router.URL,
		// Not from the deploy: a short refresh so the deregistration below is
		// seen within the test; everything else is the deployed configuration.
		contract.EnvDiscoveryRefresh: "1s",
	})
	logsOnFailure(t, map[string]interface{ Logs() string }{"orders": orders, "inventory": inventory, "moto": c.Moto(), "valkey": c.CacheStandIn()})

	invoke := func(payload string) map[string]any {
		t.Helper()
		body, _, err := orders.Invoke(ctx, []byte(payload))
		if err != nil {
			t.Fatalf("invoke orders: %v", err)
		}
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("orders answered %q: %v", body, err)
		}
		return out
	}

	t.Run("order accepted with inventory's answer", func(t *testing.T) {
		out := invoke(`{"orderId":"o-1","sku":"widget","qty":2}`)
		inv, _ := out["inventory"].(map[string]any)
		if out["accepted"] != true || inv["service"] != stack.InventoryService || inv["instanceId"] != inventoryInstance || inv["inStock"] != float64(12) {
			t.Fatalf("orders answered %v; want accepted with inventory's answer from instance %q", out, inventoryInstance)
		}
		if asked := router.Asked(); len(asked) != 1 || asked[0] != inventoryARN {
			t.Fatalf("Lambda Invoke was asked for %v, want exactly [%s] (the qualified ARN from Cloud Map)", asked, inventoryARN)
		}
		if inv["cached"] != false {
			t.Fatalf("inventory answered %v; the first read of a SKU must come from the store, not the cache", inv)
		}
	})

	t.Run("stock level is cached in Valkey and the repeat served from cache", func(t *testing.T) {
		keys, err := c.CacheStandIn().Do(ctx, "KEYS", "*stock:widget*")
		if err != nil {
			t.Fatalf("valkey KEYS: %v", err)
		}
		if k, _ := keys.([]any); len(k) != 1 {
			t.Fatalf("valkey holds keys %v after the first order, want inventory's one stock:widget entry", keys)
		}
		out := invoke(`{"orderId":"o-1","sku":"widget","qty":2}`)
		inv, _ := out["inventory"].(map[string]any)
		if out["accepted"] != true || inv["inStock"] != float64(12) || inv["cached"] != true {
			t.Fatalf("the repeated order answered %v; want the same answer with inventory's level from the cache", out)
		}
		inventory.WaitForLog(t, `"`+contract.MetricCacheHits+`"`) // inventory's EMF after the cache hit
	})

	t.Run("short stock is refused with inventory's count", func(t *testing.T) {
		out := invoke(`{"orderId":"o-2","sku":"gadget","qty":5}`)
		if out["accepted"] != false || !strings.Contains(out["reason"].(string), "only 3") {
			t.Fatalf("orders answered %v; want refused with 3 in stock", out)
		}
	})

	// inventory owns the rules for a SKU: its ValidationError crosses the
	// Lambda Invoke API and reaches orders typed (api.AsValidationError),
	// which answers its caller's bad request quoting inventory.
	t.Run("inventory's validation error arrives typed at orders", func(t *testing.T) {
		body, _, err := orders.Invoke(ctx, []byte(`{"orderId":"o-3","sku":"Bad SKU!","qty":1}`))
		if err != nil {
			t.Fatalf("invoke orders: %v", err)
		}
		var fe struct{ ErrorMessage, ErrorType string }
		if err := json.Unmarshal(body, &fe); err != nil || !strings.Contains(fe.ErrorMessage, `orders: bad request: order "o-3": inventory refused it: sku "Bad SKU!" may hold only`) {
			t.Fatalf("orders answered %s; want its bad request quoting inventory's validation error", body)
		}
		inventory.WaitForLog(t, `"errorType":"ValidationError"`)
	})

	// Each service reports its own health to its Cloud Map instance, found
	// through the LIFT_DISCOVERY_SERVICE_ID and _INSTANCE_ID the deploy set.
	for _, tc := range []struct {
		name string
		rie  *testsvc.RIEProcess
	}{{stack.OrdersService, orders}, {stack.InventoryService, inventory}} {
		t.Run(tc.name+" reports its health to Cloud Map", func(t *testing.T) {
			serviceID, instanceID := serviceIDs[tc.name], fns[tc.name].Env[contract.EnvDiscoveryInstanceID]
			setHealth(t, ctx, sd, serviceID, instanceID, sdtypes.CustomHealthStatusUnhealthy)
			body, _, err := tc.rie.Invoke(ctx, []byte(`{"lift":"health"}`))
			if err != nil {
				t.Fatal(err)
			}
			var report contract.HealthResponse
			if err := json.Unmarshal(body, &report); err != nil || report.Status != contract.StatusPass {
				t.Fatalf("health event answered %s (%v), want status %s", body, err, contract.StatusPass)
			}
			if got := healthOf(t, ctx, sd, serviceID, instanceID); got != sdtypes.HealthStatusHealthy {
				t.Fatalf("Cloud Map health of %s/%s = %s after a passing health event, want HEALTHY", serviceID, instanceID, got)
			}
		})
	}

	// The warmer the stack deploys, run with the input its schedule was
	// deployed with, warms both services' aliases through the Lambda API.
	t.Run("the deployed warmer warms both services", func(t *testing.T) {
		schedules := c.Report().ReadBack.Schedules
		if len(schedules) != 1 {
			t.Fatalf("schedules read back: %v, want the stack's one warmer schedule", schedules)
		}
		var sched localcloud.ScheduleReadBack
		for _, s := range schedules {
			sched = s
		}
		if sched.Expression != "rate(5 minutes)" || sched.State != "ENABLED" {
			t.Errorf("warmer schedule %+v, want rate(5 minutes), enabled", sched)
		}
		var in contract.WarmerInput
		if err := json.Unmarshal([]byte(sched.TargetInput), &in); err != nil {
			t.Fatalf("schedule input %q: %v", sched.TargetInput, err)
		}
		warmerFn := functionWithARN(t, ctx, c, sched.TargetARN)
		ordersARN := ordersFn.ARN + ":" + stack.AliasName
		targets := map[string]string{}
		for _, tg := range in.Targets {
			targets[tg.Name] = tg.ARN
		}
		if !maps.Equal(targets, map[string]string{stack.InventoryService: inventoryARN, stack.OrdersService: ordersARN}) {
			t.Fatalf("the schedule warms %v, want both services' %s aliases", targets, stack.AliasName)
		}
		lambdaAPI := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{inventoryARN: {inventory.URL}, ordersARN: {orders.URL}})
		warmer := testsvc.Emulate(t, c, warmerFn, map[string]string{"AWS_ENDPOINT_URL_LAMBDA": lambdaAPI.URL})
		body, _, err := warmer.Invoke(ctx, []byte(sched.TargetInput))
		if err != nil {
			t.Fatalf("invoke the warmer: %v\n%s", err, warmer.Logs())
		}
		var rep contract.WarmerReport
		if err := json.Unmarshal(body, &rep); err != nil || len(rep.Targets) != 2 {
			t.Fatalf("warmer answered %s (%v), want a report for 2 targets\n%s", body, err, warmer.Logs())
		}
		for _, tr := range rep.Targets {
			if tr.Asked != 1 || tr.Warmed != 1 || tr.Failed != 0 {
				t.Errorf("warmer report for %s: %+v, want 1 asked, 1 warmed, 0 failed", tr.Name, tr)
			}
		}
		if asked := lambdaAPI.Asked(); len(asked) != 2 || !slices.Contains(asked, inventoryARN) || !slices.Contains(asked, ordersARN) {
			t.Errorf("the warmer invoked %v, want each alias once", asked)
		}
	})

	t.Run("deregistered inventory is no longer called", func(t *testing.T) {
		before := len(router.Asked())
		if _, err := sd.DeregisterInstance(ctx, &servicediscovery.DeregisterInstanceInput{
			ServiceId: aws.String(serviceIDs[stack.InventoryService]), InstanceId: aws.String(inventoryInstance),
		}); err != nil {
			t.Fatalf("moto DeregisterInstance: %v", err)
		}
		// Discovery notices at its next refresh (1s): poll, bounded.
		var out map[string]any
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			out = invoke(`{"orderId":"o-3","sku":"widget","qty":1}`)
			if _, failed := out["errorMessage"]; failed {
				break
			}
		}
		msg, _ := out["errorMessage"].(string)
		if !strings.Contains(msg, "no instances") {
			t.Fatalf("after deregistration orders answered %v; want an error saying inventory has no instances", out)
		}
		asked := router.Asked()
		if slices.ContainsFunc(asked[before:], func(a string) bool { return a != inventoryARN }) {
			t.Fatalf("unexpected invokes %v", asked[before:])
		}
	})
}

// functionWithARN reads back the stack's function whose ARN is arn.
func functionWithARN(t *testing.T, ctx context.Context, c *localcloud.Cloud, arn string) localcloud.Function {
	t.Helper()
	for _, r := range c.Stack().Resources {
		if r.Type == "AWS::Lambda::Function" && strings.HasSuffix(arn, ":function:"+r.PhysicalID) {
			fn, err := c.Function(ctx, r.LogicalID)
			if err != nil {
				t.Fatal(err)
			}
			return fn
		}
	}
	t.Fatalf("no function of the stack has ARN %s", arn)
	return localcloud.Function{}
}

// namespace returns the id of the one Cloud Map namespace called name.
func namespace(t *testing.T, ctx context.Context, sd *servicediscovery.Client, name string) string {
	t.Helper()
	list, err := sd.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{})
	if err != nil {
		t.Fatalf("ListNamespaces: %v", err)
	}
	var ids []string
	for _, ns := range list.Namespaces {
		if aws.ToString(ns.Name) == name && ns.Type == sdtypes.NamespaceTypeHttp {
			ids = append(ids, aws.ToString(ns.Id))
		}
	}
	if len(ids) != 1 {
		t.Fatalf("Cloud Map has %d HTTP namespaces called %q (the functions' %s), want 1", len(ids), name, contract.EnvDiscoveryNamespace)
	}
	return ids[0]
}

func setHealth(t *testing.T, ctx context.Context, sd *servicediscovery.Client, serviceID, instanceID string, st sdtypes.CustomHealthStatus) {
	t.Helper()
	if _, err := sd.UpdateInstanceCustomHealthStatus(ctx, &servicediscovery.UpdateInstanceCustomHealthStatusInput{
		ServiceId: aws.String(serviceID), InstanceId: aws.String(instanceID), Status: st,
	}); err != nil {
		t.Fatalf("moto UpdateInstanceCustomHealthStatus: %v", err)
	}
	if got := healthOf(t, ctx, sd, serviceID, instanceID); string(got) != string(st) {
		t.Fatalf("moto kept health %s after setting %s", got, st)
	}
}

func healthOf(t *testing.T, ctx context.Context, sd *servicediscovery.Client, serviceID, instanceID string) sdtypes.HealthStatus {
	t.Helper()
	out, err := sd.GetInstancesHealthStatus(ctx, &servicediscovery.GetInstancesHealthStatusInput{
		ServiceId: aws.String(serviceID), Instances: []string{instanceID},
	})
	if err != nil {
		t.Fatalf("moto GetInstancesHealthStatus: %v", err)
	}
	return out.Status[instanceID]
}

func logsOnFailure(t *testing.T, procs map[string]interface{ Logs() string }) {
	t.Cleanup(func() {
		if t.Failed() {
			for name, p := range procs {
				t.Logf("--- %s logs ---\n%s", name, p.Logs())
			}
		}
	})
}
