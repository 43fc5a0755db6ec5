package discovery

import (
	"context"
	"errors"
	"testing"
	"time"
)

// With the system clock a cached pick reads no clock: a timer marks the set
// due. The refresh still happens once the interval passes, and the max-stale
// bound still holds while Cloud Map fails.
func TestTimedResolverRefreshesAndBoundsStaleness(t *testing.T) {
	cm := newFakeCloudMap()
	cm.set("orders", lambdaInstance("a", 1))
	const refresh = 40 * time.Millisecond
	opts := []Option{WithRefreshInterval(refresh), WithMaxStale(3 * refresh), WithJitter(0), WithMetrics(newMetricSink().w)}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)
	ctx := context.Background()
	if !c.resolver.timed {
		t.Fatal("a resolver on the system clock is not timed")
	}
	if _, err := c.Pick(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	before := cm.revisionCalls.Load()
	for range 100 { // well within the interval: served from the cache
		if _, err := c.Pick(ctx, "orders"); err != nil {
			t.Fatal(err)
		}
	}
	if n := cm.revisionCalls.Load() - before; n != 0 {
		t.Fatalf("%d Cloud Map calls within the refresh interval, want 0", n)
	}
	time.Sleep(refresh + 20*time.Millisecond)
	if _, err := c.Pick(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if n := cm.revisionCalls.Load() - before; n != 1 {
		t.Fatalf("%d Cloud Map calls after the interval, want 1 refresh", n)
	}

	cm.setFail(errors.New("cloud map down"))
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := c.Pick(ctx, "orders")
		if errors.Is(err, ErrStale) {
			break
		}
		if err != nil {
			t.Fatalf("while Cloud Map fails: %v, want the cached set, then ErrStale", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("picks kept serving the set far past the max-stale bound")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
