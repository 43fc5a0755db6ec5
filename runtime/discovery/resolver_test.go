package discovery

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/fakeclock"
)

const (
	testRefresh  = 30 * time.Second
	testMaxStale = 5 * time.Minute
	// maxInterval is the longest a jittered refresh interval can be (10% jitter).
	maxInterval = testRefresh + testRefresh/10
)

func newTestResolver(t *testing.T, opts ...Option) (*Resolver, *fakeCloudMap, *fakeclock.Clock, *metricSink) {
	t.Helper()
	cm := newFakeCloudMap()
	cm.set("orders", lambdaInstance("a", 1), lambdaInstance("b", 1))
	clk := newFakeClock()
	sink := newMetricSink()
	base := []Option{WithClock(clk), WithRefreshInterval(testRefresh), WithMaxStale(testMaxStale),
		WithHealthRefresh(0), WithMetrics(sink.w), WithServiceName("caller"), WithRandSeed(1)}
	return mustResolver(t, cm, append(base, opts...)...), cm, clk, sink
}

func TestResolveFetchesOnceAndServesFromCache(t *testing.T) {
	r, cm, clk, sink := newTestResolver(t)
	ctx := context.Background()
	first, err := r.Resolve(ctx, "orders")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if len(first.Instances) != 2 || first.Instances[0].Protocol != ProtocolLambda {
		t.Fatalf("instances = %+v, want two lambda instances", first.Instances)
	}
	if cm.lastInput.HealthStatus != types.HealthStatusFilterHealthyOrElseAll {
		t.Errorf("HealthStatus = %q, want HEALTHY_OR_ELSE_ALL", cm.lastInput.HealthStatus)
	}
	for range 1000 {
		clk.Advance(testRefresh / 1000 / 2)
		got, err := r.Resolve(ctx, "orders")
		if err != nil || got != first {
			t.Fatalf("cached Resolve = %p, %v; want the first set", got, err)
		}
	}
	if d, rv := cm.discoveryCalls.Load(), cm.revisionCalls.Load(); d != 1 || rv != 0 {
		t.Fatalf("Cloud Map calls inside one interval: DiscoverInstances=%d revision=%d, want 1 and 0", d, rv)
	}
	if got := sink.values(t, "orders")[contract.MetricDiscoveryRefreshes]; got != 1 {
		t.Errorf("DiscoveryRefreshes = %v, want 1", got)
	}
}

func TestRevisionUnchangedSkipsDiscoverInstances(t *testing.T) {
	r, cm, clk, _ := newTestResolver(t)
	ctx := context.Background()
	first, _ := r.Resolve(ctx, "orders")
	for i := 1; i <= 5; i++ {
		clk.Advance(maxInterval)
		got, err := r.Resolve(ctx, "orders")
		if err != nil || got != first {
			t.Fatalf("Resolve after interval %d = %p, %v; want the same set", i, got, err)
		}
		if rv := cm.revisionCalls.Load(); rv != int64(i) {
			t.Fatalf("revision calls after %d intervals = %d", i, rv)
		}
	}
	if d := cm.discoveryCalls.Load(); d != 1 {
		t.Fatalf("DiscoverInstances calls = %d with an unchanged revision, want 1", d)
	}
}

func TestRevisionChangeFetchesNewInstances(t *testing.T) {
	r, cm, clk, _ := newTestResolver(t)
	ctx := context.Background()
	if _, err := r.Resolve(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	cm.set("orders", lambdaInstance("c", 1))
	got, _ := r.Resolve(ctx, "orders")
	if got.Instances[0].ID == "c" {
		t.Fatal("new instances visible before the refresh interval passed")
	}
	clk.Advance(maxInterval)
	got, err := r.Resolve(ctx, "orders")
	if err != nil || len(got.Instances) != 1 || got.Instances[0].ID != "c" {
		t.Fatalf("after refresh: %+v, %v; want only instance c", got, err)
	}
	if d := cm.discoveryCalls.Load(); d != 2 {
		t.Fatalf("DiscoverInstances calls = %d, want 2", d)
	}
}

func TestHealthRefreshSeesHealthChangesWithoutRevision(t *testing.T) {
	r, cm, clk, _ := newTestResolver(t, WithHealthRefresh(2*time.Minute))
	ctx := context.Background()
	if _, err := r.Resolve(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	cm.setHealth("orders", "a", types.HealthStatusUnhealthy)
	calls := func() int64 { return cm.discoveryCalls.Load() + cm.revisionCalls.Load() }
	for elapsed := time.Duration(0); elapsed < 2*time.Minute; elapsed += maxInterval {
		clk.Advance(maxInterval)
		before := calls()
		if _, err := r.Resolve(ctx, "orders"); err != nil {
			t.Fatal(err)
		}
		if n := calls() - before; n != 1 {
			t.Fatalf("a refresh made %d Cloud Map calls, want exactly 1", n)
		}
	}
	got, _ := r.Resolve(ctx, "orders")
	if len(got.Instances) != 1 || got.Instances[0].ID != "b" {
		t.Fatalf("after the health refresh: %+v, want only the healthy instance b", got.Instances)
	}
}

func TestAllUnhealthyFallsBackToAll(t *testing.T) {
	r, cm, _, _ := newTestResolver(t)
	cm.setHealth("orders", "a", types.HealthStatusUnhealthy)
	cm.setHealth("orders", "b", types.HealthStatusUnhealthy)
	got, err := r.Resolve(context.Background(), "orders")
	if err != nil || len(got.Instances) != 2 {
		t.Fatalf("Resolve = %+v, %v; want both instances (HEALTHY_OR_ELSE_ALL)", got, err)
	}
	for _, in := range got.Instances {
		if in.Healthy {
			t.Errorf("instance %s marked healthy", in.ID)
		}
	}
}

func TestOutageServesStaleUntilMaxStale(t *testing.T) {
	r, cm, clk, sink := newTestResolver(t)
	ctx := context.Background()
	first, err := r.Resolve(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	cm.setFail(errCloudMapDown)
	// Within the max-stale bound the cached set is served without error.
	var elapsed time.Duration
	for elapsed+maxInterval < testMaxStale {
		clk.Advance(maxInterval)
		elapsed += maxInterval
		got, err := r.Resolve(ctx, "orders")
		if err != nil || got != first {
			t.Fatalf("at %v into the outage: %p, %v; want the stale set", elapsed, got, err)
		}
	}
	// Past it, a clear error that names the cause.
	clk.Advance(maxInterval)
	_, err = r.Resolve(ctx, "orders")
	if !errors.Is(err, ErrStale) || !errors.Is(err, errCloudMapDown) {
		t.Fatalf("past max stale: %v; want ErrStale wrapping the Cloud Map error", err)
	}
	if sink.values(t, "orders")[contract.MetricDiscoveryErrors] == 0 {
		t.Error("refresh failures were not counted in DiscoveryErrors")
	}
	// Recovery: the next due refresh serves fresh data again.
	cm.setFail(nil)
	clk.Advance(maxInterval)
	if got, err := r.Resolve(ctx, "orders"); err != nil || got != first {
		t.Fatalf("after recovery: %p, %v", got, err)
	}
}

func TestInitialOutageIsUnavailableAndBacksOff(t *testing.T) {
	r, cm, clk, _ := newTestResolver(t)
	cm.setFail(errCloudMapDown)
	ctx := context.Background()
	_, err := r.Resolve(ctx, "orders")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, errCloudMapDown) {
		t.Fatalf("Resolve during outage with no cache: %v; want ErrUnavailable wrapping the cause", err)
	}
	for range 100 {
		if _, err := r.Resolve(ctx, "orders"); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("second Resolve: %v", err)
		}
	}
	if d := cm.discoveryCalls.Load(); d != 1 {
		t.Fatalf("DiscoverInstances calls during the pause = %d, want 1 (no call per invocation)", d)
	}
	cm.setFail(nil)
	clk.Advance(time.Second)
	if _, err := r.Resolve(ctx, "orders"); err != nil {
		t.Fatalf("after the pause: %v", err)
	}
}

func TestNoInstancesAndInvalidInstances(t *testing.T) {
	r, cm, _, _ := newTestResolver(t)
	cm.set("empty")
	if _, err := r.Resolve(context.Background(), "empty"); !errors.Is(err, ErrNoInstances) {
		t.Fatalf("empty service: %v, want ErrNoInstances", err)
	}
	bad := lambdaInstance("bad", 1)
	bad.Attributes[contract.AttrWeight] = "heavy"
	cm.set("mixed", bad, lambdaInstance("good", 1))
	set, err := r.Resolve(context.Background(), "mixed")
	if err != nil || len(set.Instances) != 1 || len(set.Invalid) != 1 {
		t.Fatalf("mixed: %+v, %v; want one instance and one invalid", set, err)
	}
	cm.set("allbad", bad)
	if _, err := r.Resolve(context.Background(), "allbad"); !errors.Is(err, ErrNoInstances) || !errors.Is(err, ErrInvalidInstance) {
		t.Fatalf("all invalid: %v, want ErrNoInstances naming ErrInvalidInstance", err)
	}
	if _, err := r.Resolve(context.Background(), "missing"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("missing service: %v, want ErrUnavailable", err)
	}
}

// One caller refreshes; every other caller keeps the cached set meanwhile.
func TestRefreshIsSingleFlightAndNonBlocking(t *testing.T) {
	r, cm, clk, _ := newTestResolver(t)
	ctx := context.Background()
	first, _ := r.Resolve(ctx, "orders")
	clk.Advance(maxInterval)
	gate, entered := make(chan struct{}), make(chan struct{}, 1)
	cm.mu.Lock()
	cm.gate, cm.entered = gate, entered
	cm.mu.Unlock()
	done := make(chan error, 1)
	go func() { _, err := r.Resolve(ctx, "orders"); done <- err }()
	<-entered // the refresher is inside DiscoverInstancesRevision
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			got, err := r.Resolve(ctx, "orders")
			if err != nil || got != first {
				t.Errorf("concurrent Resolve during refresh = %p, %v", got, err)
			}
		})
	}
	wg.Wait() // would deadlock if any of them waited for the refresh
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rv := cm.revisionCalls.Load(); rv != 1 {
		t.Fatalf("revision calls = %d, want 1", rv)
	}
}

func TestInitialFetchIsShared(t *testing.T) {
	r, cm, _, _ := newTestResolver(t)
	gate, entered := make(chan struct{}), make(chan struct{}, 100)
	cm.mu.Lock()
	cm.gate, cm.entered = gate, entered
	cm.mu.Unlock()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := r.Resolve(context.Background(), "orders"); err != nil {
				t.Errorf("Resolve: %v", err)
			}
		})
	}
	<-entered
	close(gate)
	wg.Wait()
	if d := cm.discoveryCalls.Load(); d != 1 {
		t.Fatalf("DiscoverInstances calls = %d for 20 concurrent first resolves, want 1", d)
	}
}

func TestCallerDeadlineIsNotAnOutage(t *testing.T) {
	r, cm, clk, _ := newTestResolver(t)
	if _, err := r.Resolve(context.Background(), "orders"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(maxInterval)
	cm.mu.Lock()
	cm.gate = make(chan struct{}) // never opened: the caller's context ends first
	cm.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Resolve(ctx, "orders"); err != nil {
		t.Fatalf("Resolve with a cancelled caller context and a cache: %v, want the cached set", err)
	}
	cm.mu.Lock()
	cm.gate = nil
	cm.mu.Unlock()
	before := cm.revisionCalls.Load()
	if _, err := r.Resolve(context.Background(), "orders"); err != nil {
		t.Fatal(err)
	}
	if cm.revisionCalls.Load() != before+1 {
		t.Fatal("the refresh abandoned by a cancelled caller was not retried by the next caller")
	}
}

// Steady state: at most one Cloud Map call per refresh interval, whatever the
// call rate, across simulated hours.
func TestSteadyStateCloudMapCallsPerInterval(t *testing.T) {
	for _, health := range []time.Duration{0, DefaultHealthRefresh} {
		r, cm, clk, _ := newTestResolver(t, WithHealthRefresh(health))
		ctx := context.Background()
		const simulated = 6 * time.Hour
		const step = 331 * time.Millisecond // ~65k resolves per run
		var wg sync.WaitGroup
		for elapsed := time.Duration(0); elapsed < simulated; elapsed += step {
			clk.Advance(step)
			if elapsed%(10*time.Minute) < step { // a burst of concurrent callers now and then
				for range 8 {
					wg.Go(func() { _, _ = r.Resolve(ctx, "orders") })
				}
				wg.Wait()
			}
			if _, err := r.Resolve(ctx, "orders"); err != nil {
				t.Fatal(err)
			}
		}
		calls := cm.revisionCalls.Load() + cm.discoveryCalls.Load()
		limit := int64(simulated/testRefresh) + 1
		floor := int64(simulated/maxInterval) - 1
		t.Logf("health refresh %v: %d Cloud Map calls over %v (revision %d, DiscoverInstances %d); bound %d",
			health, calls, simulated, cm.revisionCalls.Load(), cm.discoveryCalls.Load(), limit)
		if calls > limit || calls < floor {
			t.Fatalf("Cloud Map calls = %d over %v, want within [%d, %d] (one per interval)", calls, simulated, floor, limit)
		}
		if health == 0 && cm.discoveryCalls.Load() != 1 {
			t.Fatalf("DiscoverInstances calls = %d with a constant revision, want 1", cm.discoveryCalls.Load())
		}
	}
}
