package multiservice

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/examples/multiservice/stack"
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

func TestMain(m *testing.M) {
	// The template is checked by cfn-lint in the example's own test; here
	// only its content matters, so skip aws-cdk-lib's slow validation.
	os.Setenv("CDK_VALIDATION", "false")
	os.Exit(m.Run())
}

// synth synthesizes the example for the host's architecture, so the bootstrap
// binaries gofunction built into the cloud assembly run under the emulator
// here: the test runs exactly what `cdk deploy` would upload.
func synth(t *testing.T) (*template, map[string]string) {
	t.Helper()
	arch := map[string]string{"amd64": "x86_64", "arm64": "arm64"}[runtime.GOARCH]
	if arch == "" {
		t.Fatalf("Lambda has no %s architecture: run this test on amd64 or arm64", runtime.GOARCH)
	}
	root := testsvc.Root(t)
	app := cdktest.NewApp(t, cdktest.WithCDKJSON(filepath.Join(root, "cdk.json")),
		cdktest.WithContext(gofunction.ArchitectureContext, arch),
		cdktest.WithContext("aws:cdk:enable-asset-metadata", true))
	a, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	m := stack.NewMultiServiceStack(app, stack.StackName, &stack.MultiServiceProps{
		StackProps:     awscdk.StackProps{Env: cdktest.Env()},
		Architecture:   a,
		OrdersEntry:    filepath.Join(root, stack.DefaultOrdersEntry),
		InventoryEntry: filepath.Join(root, stack.DefaultInventoryEntry),
	})
	tpl := parseTemplate(t, cdktest.TemplateJSON(t, m.Stack))
	bootstraps := map[string]string{}
	for _, id := range tpl.ofType("AWS::Lambda::Function") {
		asset, _ := tpl.Resources[id].Metadata["aws:asset:path"].(string)
		if asset == "" {
			t.Fatalf("function %s has no aws:asset:path metadata: cannot find the binary synth built", id)
		}
		p := filepath.Join(*app.Outdir(), asset, "bootstrap")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("function %s: bootstrap not in its asset: %v", id, err)
		}
		bootstraps[id] = p
	}
	return tpl, bootstraps
}

// createCloudMap creates in moto what the template declares: the namespace,
// its services and their instances with the template's attributes.
func createCloudMap(t *testing.T, ctx context.Context, sd *servicediscovery.Client, w *world) {
	t.Helper()
	tpl := w.tpl
	for _, id := range tpl.ofType("AWS::ServiceDiscovery::HttpNamespace") {
		name := w.resolve(t, tpl.Resources[id].Properties["Name"])
		if _, err := sd.CreateHttpNamespace(ctx, &servicediscovery.CreateHttpNamespaceInput{Name: aws.String(name)}); err != nil {
			t.Fatalf("moto CreateHttpNamespace %s: %v", name, err)
		}
		list, err := sd.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{})
		if err != nil {
			t.Fatalf("moto ListNamespaces: %v", err)
		}
		for _, ns := range list.Namespaces {
			if aws.ToString(ns.Name) == name {
				w.set(id, "Id", aws.ToString(ns.Id))
				w.set(id, "Ref", aws.ToString(ns.Id))
				w.set(id, "Arn", aws.ToString(ns.Arn))
			}
		}
		if w.physical[id]["Id"] == "" {
			t.Fatalf("namespace %s not listed by moto after creation", name)
		}
	}
	for _, id := range tpl.ofType("AWS::ServiceDiscovery::Service") {
		p := tpl.Resources[id].Properties
		hc, _ := p["HealthCheckCustomConfig"].(map[string]any)
		if hc == nil {
			t.Fatalf("service %s has no HealthCheckCustomConfig: instances could not report health", id)
		}
		out, err := sd.CreateService(ctx, &servicediscovery.CreateServiceInput{
			Name:                    aws.String(w.resolve(t, p["Name"])),
			NamespaceId:             aws.String(w.resolve(t, p["NamespaceId"])),
			HealthCheckCustomConfig: &sdtypes.HealthCheckCustomConfig{FailureThreshold: aws.Int32(int32(hc["FailureThreshold"].(float64)))},
		})
		if err != nil {
			t.Fatalf("moto CreateService %s: %v", id, err)
		}
		w.set(id, "Id", aws.ToString(out.Service.Id))
		w.set(id, "Ref", aws.ToString(out.Service.Id))
		w.set(id, "Arn", aws.ToString(out.Service.Arn))
	}
	for _, id := range tpl.ofType("AWS::ServiceDiscovery::Instance") {
		p := tpl.Resources[id].Properties
		attrs := map[string]string{}
		for k, v := range p["InstanceAttributes"].(map[string]any) {
			attrs[k] = w.resolve(t, v)
		}
		if _, err := sd.RegisterInstance(ctx, &servicediscovery.RegisterInstanceInput{
			ServiceId:  aws.String(w.resolve(t, p["ServiceId"])),
			InstanceId: aws.String(w.resolve(t, p["InstanceId"])),
			Attributes: attrs,
		}); err != nil {
			t.Fatalf("moto RegisterInstance %s: %v", id, err)
		}
	}
}

// TestOrdersCallsInventoryThroughDiscovery is the example's end-to-end run.
func TestOrdersCallsInventoryThroughDiscovery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	tpl, bootstraps := synth(t)
	moto := testsvc.Moto(t)
	w := &world{tpl: tpl, region: cdktest.Region, account: cdktest.Account, physical: map[string]map[string]string{}}
	sd := servicediscovery.NewFromConfig(moto.AWSConfig(t))
	createCloudMap(t, ctx, sd, w)
	// inventory's serverless Valkey cache, played by a local valkey-server
	// with TLS in cluster mode (the shape of an ElastiCache Serverless
	// endpoint): the template's LIFT_CACHE_ENDPOINT resolves to it.
	valkey, caFile := startCache(t, w)

	// Which function is which, by the service the construct registered it as.
	fnOf := map[string]string{}
	for _, id := range tpl.ofType("AWS::Lambda::Function") {
		fnOf[w.env(t, id)[contract.EnvDiscoveryService]] = id
	}
	ordersFn, inventoryFn := fnOf[stack.OrdersService], fnOf[stack.InventoryService]
	if ordersFn == "" || inventoryFn == "" {
		t.Fatalf("functions registered as %q and %q not found: %v", stack.OrdersService, stack.InventoryService, fnOf)
	}

	// What Cloud Map tells callers to invoke for inventory.
	var inventoryARN, inventoryInstance string
	for _, id := range tpl.ofType("AWS::ServiceDiscovery::Instance") {
		p := tpl.Resources[id].Properties
		if p["ServiceId"].(map[string]any)["Fn::GetAtt"].([]any)[0] == fnServiceID(t, w, inventoryFn) {
			inventoryARN = w.resolve(t, p["InstanceAttributes"].(map[string]any)[contract.AttrFunctionARN])
			inventoryInstance = w.resolve(t, p["InstanceId"])
		}
	}
	if inventoryARN == "" || !strings.HasSuffix(inventoryARN, ":"+stack.AliasName) {
		t.Fatalf("inventory's instance registers %q, want its %q alias ARN", inventoryARN, stack.AliasName)
	}

	creds := map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
	invEnv := w.env(t, inventoryFn)
	for k, v := range creds {
		invEnv[k] = v
	}
	if invEnv[contract.EnvCacheKind] != contract.CacheKindValkey || invEnv[contract.EnvCacheEndpoint] != valkey.Addr {
		t.Fatalf("inventory's cache env %s=%q %s=%q, want the valkey tier at %s", contract.EnvCacheKind, invEnv[contract.EnvCacheKind],
			contract.EnvCacheEndpoint, invEnv[contract.EnvCacheEndpoint], valkey.Addr)
	}
	// Not from the template: a local server cannot check ElastiCache IAM auth
	// tokens (neither can moto), so the cache is reached without auth; TLS,
	// cluster mode and the endpoint are the deployed configuration.
	invEnv[contract.EnvCacheAuth] = contract.CacheAuthNone
	// valkeycache reads no CA from the environment; Go's crypto/x509 reads
	// SSL_CERT_FILE on Linux, so the handler trusts the test CA as it trusts
	// Amazon's CAs in Lambda.
	invEnv["SSL_CERT_FILE"] = caFile
	// inventory reports its health to Cloud Map (moto).
	invEnv["AWS_ENDPOINT_URL_SERVICEDISCOVERY"] = moto.URL
	inventory := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bootstraps[inventoryFn], Env: invEnv, Timeout: 10 * time.Second})
	router := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{inventoryARN: {inventory.URL}})

	ordersEnv := w.env(t, ordersFn)
	for k, v := range creds {
		ordersEnv[k] = v
	}
	ordersEnv["AWS_ENDPOINT_URL_SERVICEDISCOVERY"] = moto.URL
	ordersEnv["AWS_ENDPOINT_URL_LAMBDA"] = router.URL
	// Not from the template: a short refresh so the deregistration below is
	// seen within the test; everything else is the deployed configuration.
	ordersEnv[contract.EnvDiscoveryRefresh] = "1s"
	orders := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bootstraps[ordersFn], Env: ordersEnv, Timeout: 10 * time.Second})
	logsOnFailure(t, map[string]interface{ Logs() string }{"orders": orders, "inventory": inventory, "moto": moto, "valkey": valkey})

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
		keys, err := valkey.Do(ctx, "KEYS", "*stock:widget*")
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

	// Each service reports its own health to its Cloud Map instance, found
	// through the LIFT_DISCOVERY_SERVICE_ID and _INSTANCE_ID the construct set.
	for _, tc := range []struct {
		name string
		fn   string
		rie  interface {
			Invoke(context.Context, []byte) ([]byte, time.Duration, error)
		}
	}{{stack.OrdersService, ordersFn, orders}, {stack.InventoryService, inventoryFn, inventory}} {
		t.Run(tc.name+" reports its health to Cloud Map", func(t *testing.T) {
			serviceID := w.physical[fnServiceID(t, w, tc.fn)]["Id"]
			instanceID := w.env(t, tc.fn)[contract.EnvDiscoveryInstanceID]
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

	t.Run("deregistered inventory is no longer called", func(t *testing.T) {
		before := len(router.Asked())
		if _, err := sd.DeregisterInstance(ctx, &servicediscovery.DeregisterInstanceInput{
			ServiceId: aws.String(w.physical[fnServiceID(t, w, inventoryFn)]["Id"]), InstanceId: aws.String(inventoryInstance),
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

// fnServiceID returns the logical id of the Cloud Map service fn is registered
// in, from the LIFT_DISCOVERY_SERVICE_ID the construct gave it.
func fnServiceID(t *testing.T, w *world, fn string) string {
	t.Helper()
	vars := w.tpl.Resources[fn].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	ga, ok := vars[contract.EnvDiscoveryServiceID].(map[string]any)["Fn::GetAtt"].([]any)
	if !ok {
		t.Fatalf("%s of %s is not a GetAtt of the service", contract.EnvDiscoveryServiceID, fn)
	}
	return ga[0].(string)
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

// startCache starts valkey-server with TLS in cluster mode as inventory's
// cache and records its address as the ServerlessCache's endpoint in w. It
// returns the server and the file of the CA its certificate chains to.
func startCache(t *testing.T, w *world) (*localsvc.Redis, string) {
	t.Helper()
	caches := w.tpl.ofType("AWS::ElastiCache::ServerlessCache")
	if len(caches) != 1 {
		t.Fatalf("template has %d serverless caches, want inventory's one", len(caches))
	}
	// localsvc rather than testsvc.Redis: the handler process needs the CA as
	// a file, which localsvc writes into the directory it is given.
	dir := t.TempDir()
	r, err := localsvc.StartRedis(testsvc.Root(t), dir, localsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true})
	if err != nil {
		t.Fatalf("start valkey-server (run make setup if it is missing): %v", err)
	}
	t.Cleanup(r.Close)
	caFile := filepath.Join(dir, "ca.pem")
	if _, err := os.Stat(caFile); err != nil {
		t.Fatalf("test CA of valkey-server not at %s (did localsvc's certificate files move?): %v", caFile, err)
	}
	host, port, _ := strings.Cut(r.Addr, ":")
	w.set(caches[0], "Endpoint.Address", host)
	w.set(caches[0], "Endpoint.Port", port)
	return r, caFile
}
