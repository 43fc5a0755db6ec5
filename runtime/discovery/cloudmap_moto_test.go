package discovery_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/internal/fakeclock"
	"github.com/liftcdk/lift/runtime/metrics"
)

// countingCloudMap counts the discovery calls that reach moto.
type countingCloudMap struct {
	discovery.CloudMapAPI
	revisions, fetches atomic.Int64
}

func (c *countingCloudMap) DiscoverInstances(ctx context.Context, in *servicediscovery.DiscoverInstancesInput, o ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesOutput, error) {
	c.fetches.Add(1)
	return c.CloudMapAPI.DiscoverInstances(ctx, in, o...)
}

func (c *countingCloudMap) DiscoverInstancesRevision(ctx context.Context, in *servicediscovery.DiscoverInstancesRevisionInput, o ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesRevisionOutput, error) {
	c.revisions.Add(1)
	return c.CloudMapAPI.DiscoverInstancesRevision(ctx, in, o...)
}

// cloudMapFixture is an HTTP namespace with one service (custom health
// checking, as constructs/cloudmap creates it) in a fresh moto.
type cloudMapFixture struct {
	sd        *servicediscovery.Client
	cfg       aws.Config
	namespace string
	serviceID string
}

func newCloudMapFixture(t *testing.T, service string) *cloudMapFixture {
	t.Helper()
	m := testsvc.Moto(t)
	cfg := m.AWSConfig(t)
	f := &cloudMapFixture{sd: servicediscovery.NewFromConfig(cfg), cfg: cfg}
	f.namespace, f.serviceID = m.CloudMapService(t, "lift-it-", service)
	return f
}

func (f *cloudMapFixture) register(t *testing.T, id string, attrs map[string]string) {
	t.Helper()
	if _, err := f.sd.RegisterInstance(context.Background(), &servicediscovery.RegisterInstanceInput{
		ServiceId: aws.String(f.serviceID), InstanceId: aws.String(id), Attributes: attrs,
	}); err != nil {
		t.Fatalf("RegisterInstance %s: %v", id, err)
	}
}

func (f *cloudMapFixture) setHealth(t *testing.T, id string, s types.CustomHealthStatus) {
	t.Helper()
	if _, err := f.sd.UpdateInstanceCustomHealthStatus(context.Background(), &servicediscovery.UpdateInstanceCustomHealthStatusInput{
		ServiceId: aws.String(f.serviceID), InstanceId: aws.String(id), Status: s,
	}); err != nil {
		t.Fatalf("UpdateInstanceCustomHealthStatus %s: %v", id, err)
	}
}

func lambdaAttrs(name string, weight string) map[string]string {
	return map[string]string{
		contract.AttrFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:" + name + ":live",
		contract.AttrAlias:       "live", contract.AttrRegion: "us-east-1",
		contract.AttrWeight: weight, contract.AttrProtocol: contract.ProtocolLambda,
	}
}

func ids(set *discovery.Set) []string {
	var out []string
	for _, in := range set.Instances {
		out = append(out, in.ID)
	}
	sort.Strings(out)
	return out
}

func TestCloudMapAgainstMoto(t *testing.T) {
	f := newCloudMapFixture(t, "orders")
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"served":"` + r.Header.Get(discovery.HeaderRequestID) + `"}`))
	}))
	defer web.Close()
	f.register(t, "a", lambdaAttrs("orders-a", "1"))
	f.register(t, "b", lambdaAttrs("orders-b", "3"))
	f.register(t, "web", map[string]string{contract.AttrProtocol: contract.ProtocolHTTP, contract.AttrURL: web.URL})

	api := &countingCloudMap{CloudMapAPI: discovery.NewCloudMapClient(f.cfg)}
	clk := fakeclock.New(time.Now())
	const refresh = 30 * time.Second
	const jittered = refresh + refresh/10
	res, err := discovery.NewResolver(api, f.namespace, discovery.WithClock(clk), discovery.WithRefreshInterval(refresh),
		discovery.WithHealthRefresh(2*time.Minute), discovery.WithMetrics(metrics.New(&discardWriter{}, "T")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Register -> discover, attributes typed.
	set, err := res.Resolve(ctx, "orders")
	if err != nil {
		t.Fatalf("Resolve through moto: %v", err)
	}
	if got := ids(set); len(got) != 3 {
		t.Fatalf("instances = %v, want a, b, web", got)
	}
	for _, in := range set.Instances {
		switch in.ID {
		case "b":
			if in.Weight != 3 || in.Protocol != discovery.ProtocolLambda || in.FunctionARN != "arn:aws:lambda:us-east-1:123456789012:function:orders-b:live" {
				t.Errorf("instance b = %+v", in)
			}
		case "web":
			if in.Protocol != discovery.ProtocolHTTP || in.URL != web.URL {
				t.Errorf("instance web = %+v", in)
			}
		}
	}

	// Revision unchanged -> no DiscoverInstances.
	clk.Advance(jittered)
	if again, err := res.Resolve(ctx, "orders"); err != nil || again != set {
		t.Fatalf("Resolve after an unchanged revision = %p, %v; want the cached set", again, err)
	}
	if api.revisions.Load() != 1 || api.fetches.Load() != 1 {
		t.Fatalf("calls: revision %d, fetch %d; want 1 and 1", api.revisions.Load(), api.fetches.Load())
	}

	// Health filtering: b reported unhealthy is dropped at the next health refresh.
	f.setHealth(t, "b", types.CustomHealthStatusUnhealthy)
	for range 4 {
		clk.Advance(jittered)
		if set, err = res.Resolve(ctx, "orders"); err != nil {
			t.Fatal(err)
		}
	}
	if got := ids(set); len(got) != 2 || got[0] != "a" || got[1] != "web" {
		t.Fatalf("after b turned unhealthy: %v, want [a web]", got)
	}

	// All unhealthy -> HEALTHY_OR_ELSE_ALL returns every instance, marked unhealthy.
	f.setHealth(t, "a", types.CustomHealthStatusUnhealthy)
	f.setHealth(t, "web", types.CustomHealthStatusUnhealthy)
	for range 4 {
		clk.Advance(jittered)
		if set, err = res.Resolve(ctx, "orders"); err != nil {
			t.Fatal(err)
		}
	}
	if got := ids(set); len(got) != 3 {
		t.Fatalf("all unhealthy: %v, want all three", got)
	}
	for _, in := range set.Instances {
		if in.Healthy {
			t.Errorf("instance %s reported healthy while Cloud Map says unhealthy", in.ID)
		}
	}
	for _, id := range []string{"a", "b", "web"} {
		f.setHealth(t, id, types.CustomHealthStatusHealthy)
	}

	// Deregistration moves the revision: seen at the next refresh interval.
	if _, err := f.sd.DeregisterInstance(ctx, &servicediscovery.DeregisterInstanceInput{ServiceId: aws.String(f.serviceID), InstanceId: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(jittered)
	if set, err = res.Resolve(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if got := ids(set); len(got) != 2 || got[0] != "b" {
		t.Fatalf("after deregistering a: %v, want [b web]", got)
	}

	// Discover and call: the HTTP instance answers through the client.
	if _, err := f.sd.DeregisterInstance(ctx, &servicediscovery.DeregisterInstanceInput{ServiceId: aws.String(f.serviceID), InstanceId: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(jittered)
	client, err := discovery.NewClient(res, discovery.WithMetrics(metrics.New(&discardWriter{}, "T")))
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.Invoke(ctx, "orders", []byte(`{}`), discovery.Idempotent())
	if err != nil || string(out) != `{"served":""}` {
		t.Fatalf("Invoke through moto-discovered HTTP instance = %s, %v", out, err)
	}

	// Unknown service: a clear error, not a panic or an empty set.
	if _, err := res.Resolve(ctx, "nope"); !errors.Is(err, discovery.ErrUnavailable) {
		t.Fatalf("unknown service: %v", err)
	}
}

// Without the option, the SDK sends DiscoverInstances to data-<host>, which a
// local endpoint does not serve: NewCloudMapClient must disable the prefix.
func TestHostPrefixIsWhatBreaksLocalEndpoints(t *testing.T) {
	f := newCloudMapFixture(t, "orders")
	f.register(t, "a", lambdaAttrs("orders-a", "1"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	in := &servicediscovery.DiscoverInstancesInput{NamespaceName: aws.String(f.namespace), ServiceName: aws.String("orders")}
	if _, err := servicediscovery.NewFromConfig(f.cfg).DiscoverInstances(ctx, in); err == nil {
		t.Fatal("DiscoverInstances with the data- host prefix reached moto; the option would be pointless")
	}
	out, err := discovery.NewCloudMapClient(f.cfg).DiscoverInstances(context.Background(), in)
	if err != nil || len(out.Instances) != 1 {
		t.Fatalf("NewCloudMapClient DiscoverInstances = %+v, %v", out, err)
	}
}

type discardWriter struct{}

func (*discardWriter) Write(p []byte) (int, error) { return len(p), nil }
