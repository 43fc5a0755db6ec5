package discovery

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
)

func benchClient(tb testing.TB, s Strategy, extra ...Option) *Client {
	tb.Helper()
	cm := newFakeCloudMap()
	var ins []types.HttpInstanceSummary
	for i := range 8 {
		ins = append(ins, lambdaInstance(string(rune('a'+i)), i+1))
	}
	cm.set("orders", ins...)
	opts := append([]Option{WithStrategy(s), WithMetrics(newMetricSink().w)}, extra...)
	c := mustClient(tb, mustResolver(tb, cm, opts...), opts...)
	if _, err := c.Pick(context.Background(), "orders"); err != nil {
		tb.Fatal(err)
	}
	return c
}

var strategies = []Strategy{RoundRobin, WeightedRandom, LeastOutstanding}

// The hot path must not allocate: it runs on every call of every invocation,
// also when the client is limited to its targets.
func TestCachedResolveAndPickDoNotAllocate(t *testing.T) {
	for _, s := range strategies {
		for _, targets := range [][]string{nil, {"orders"}} {
			c := benchClient(t, s, WithTargets(targets...))
			ctx := context.Background()
			allocs := testing.AllocsPerRun(1000, func() {
				if _, err := c.Pick(ctx, "orders"); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v, targets %v: cached resolve + pick allocates %.1f times per call, want 0", s, targets, allocs)
			}
		}
	}
}

// BenchmarkResolvePick is a cached resolve plus pick (target: < 150 ns, 0 allocs).
func BenchmarkResolvePick(b *testing.B) {
	for _, s := range strategies {
		b.Run(s.String(), func(b *testing.B) {
			c := benchClient(b, s)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Pick(ctx, "orders"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.String()+"/parallel", func(b *testing.B) {
			c := benchClient(b, s)
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Pick(ctx, "orders"); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkResolvePickTargets is BenchmarkResolvePick/round-robin on a client
// limited to its targets (LIFT_DISCOVERY_TARGETS): it must cost the same.
func BenchmarkResolvePickTargets(b *testing.B) {
	c := benchClient(b, RoundRobin, WithTargets("orders", "payments"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Pick(ctx, "orders"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveCached is the resolver alone, for comparison.
func BenchmarkResolveCached(b *testing.B) {
	c := benchClient(b, RoundRobin)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.resolver.Resolve(ctx, "orders"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineUncachedDiscover is the named baseline: what calling
// DiscoverInstances per call would cost even against an in-memory fake (a real
// call is a network round trip and counts against the account's ~1,000/s).
func BenchmarkBaselineUncachedDiscover(b *testing.B) {
	cm := newFakeCloudMap()
	var ins []types.HttpInstanceSummary
	for i := range 8 {
		ins = append(ins, lambdaInstance(string(rune('a'+i)), i+1))
	}
	cm.set("orders", ins...)
	r := mustResolver(b, cm, WithMetrics(newMetricSink().w))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		e := r.entry("orders")
		if err := r.refresh(ctx, e, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineTimeNow is the machine's clock read, which the hot path
// no longer does per pick (a timer marks a set due); it calibrates the figures above.
func BenchmarkBaselineTimeNow(b *testing.B) {
	b.ReportAllocs()
	var sink int64
	for b.Loop() {
		sink += systemClock{}.Now().UnixNano()
	}
	_ = sink
}

// BenchmarkGoalResolvePick is the issue-16 goal: a cached resolve + pick
// (round robin) under 150 ns with 0 allocations. The machine's clock read is
// interleaved with it in chunks, as a scale for how loaded the machine was.
func BenchmarkGoalResolvePick(b *testing.B) {
	c := benchClient(b, RoundRobin)
	ctx := context.Background()
	const chunk = 512
	var spentPick, spentClock time.Duration
	ops := 0
	var sink int64
	for b.Loop() {
		start := time.Now()
		for range chunk {
			if _, err := c.Pick(ctx, "orders"); err != nil {
				b.Fatal(err)
			}
		}
		spentPick += time.Since(start)
		start = time.Now()
		for range chunk {
			sink += time.Now().UnixNano()
		}
		spentClock += time.Since(start)
		ops += chunk
	}
	_ = sink
	allocs := testing.AllocsPerRun(1000, func() { _, _ = c.Pick(ctx, "orders") })
	b.ReportMetric(float64(spentPick.Nanoseconds())/float64(ops), "pick-ns/op")
	b.ReportMetric(float64(spentClock.Nanoseconds())/float64(ops), "clock-ns/op")
	b.ReportMetric(allocs, "pick-allocs/op")
}
