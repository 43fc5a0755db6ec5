package cache_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/health"
)

// pingingL2 is a fakeL2 that is also a cache.Pinger, as the real backends are.
type pingingL2 struct {
	*fakeL2
	pings atomic.Int64
}

func (p *pingingL2) Ping(ctx context.Context) error {
	p.pings.Add(1)
	return p.wait(ctx)
}

// TestHealthCheck runs cache.HealthCheck the way lift does, through
// health.Run: a reachable or absent L2 tier passes, an unreachable or hung
// one warns (never fails) with the tier named.
func TestHealthCheck(t *testing.T) {
	const checkTimeout = 2 * time.Second
	tiered := func(t *testing.T, l2 cache.Cache) cache.Cache { tc, _, _, _ := newTiered(t, l2); return tc }
	scoped := func(t *testing.T, l2 cache.Cache) cache.Cache {
		s, err := cache.NewScope(tiered(t, l2), "svc")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name        string
		cache       func(t *testing.T, l2 cache.Cache) cache.Cache
		pinger      bool // L2 implements cache.Pinger; otherwise the probe is a Get
		down, hangs bool
		want        string
		output      string // substring of the check's output ("" = none)
	}{
		{"memory only", func(t *testing.T, _ cache.Cache) cache.Cache { return newMemory(t) }, false, true, false, contract.StatusPass, ""},
		{"scope over memory", func(t *testing.T, _ cache.Cache) cache.Cache {
			s, _ := cache.NewScope(newMemory(t), "svc")
			return s
		}, false, true, false, contract.StatusPass, ""},
		{"pinger up", tiered, true, false, false, contract.StatusPass, ""},
		{"pinger down", tiered, true, true, false, contract.StatusWarn, "cache: fake tier unreachable: l2 down"},
		{"pinger hangs", tiered, true, false, true, contract.StatusWarn, "cache: fake tier unreachable: context deadline exceeded"},
		{"get probe up", tiered, false, false, false, contract.StatusPass, ""},
		{"get probe down", tiered, false, true, false, contract.StatusWarn, "cache: fake tier unreachable: l2 down"},
		{"scope, pinger down", scoped, true, true, false, contract.StatusWarn, "cache: fake tier unreachable: l2 down"},
		{"bare backend down", func(_ *testing.T, l2 cache.Cache) cache.Cache { return l2 }, true, true, false, contract.StatusWarn, "l2 down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeL2(t)
			fake.down.Store(tt.down)
			if tt.hangs {
				fake.delay.Store(int64(time.Hour))
			}
			var l2 cache.Cache = fake
			var pinging *pingingL2
			if tt.pinger {
				pinging = &pingingL2{fakeL2: fake}
				l2 = pinging
			}
			c := tt.cache(t, l2)
			r := health.Run(context.Background(), []health.Check{{Name: "cache", Fn: cache.HealthCheck(c)}}, checkTimeout)
			res := r.Checks["cache"]
			if r.Status != tt.want || len(res) != 1 || res[0].Status != tt.want {
				t.Fatalf("status %q, want %q: %+v", r.Status, tt.want, r)
			}
			if out := res[0].Output; tt.output == "" && out != "" || !strings.Contains(out, tt.output) {
				t.Fatalf("output %q, want it to contain %q", out, tt.output)
			}
			if tt.hangs {
				fake.mu.Lock()
				reserved := fake.lastDeadlineReserved
				fake.mu.Unlock()
				if reserved > checkTimeout/2 {
					t.Fatalf("the ping got %v of a %v check; want at most half, so it answers before the check times out", reserved, checkTimeout)
				}
			}
			if pinging != nil && pinging.pings.Load() > 0 && fake.gets.Load() != 0 {
				t.Fatalf("a Pinger was pinged and also read %d times", fake.gets.Load())
			}
		})
	}
}

// TestPingSeesWhatReadsHide: with L2 down a read fails open (a miss), but
// Ping reports the tier, counts the failure like any L2 error, and recovers
// with the tier.
func TestPingSeesWhatReadsHide(t *testing.T) {
	l2 := &pingingL2{fakeL2: newFakeL2(t)}
	tc, emf, w, _ := newTiered(t, l2)
	ctx := context.Background()
	if err := tc.Ping(ctx); err != nil || l2.pings.Load() != 1 {
		t.Fatalf("Ping with L2 up: %v after %d pings; want nil after 1", err, l2.pings.Load())
	}
	l2.down.Store(true)
	if _, err := tc.Get(ctx, "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Get with L2 down: %v, want a miss (fail open)", err)
	}
	err := tc.Ping(ctx)
	if !errors.Is(err, errDown) || !strings.Contains(err.Error(), "fake tier") {
		t.Fatalf("Ping with L2 down: %v, want the L2 error naming the fake tier", err)
	}
	w.Flush()
	if out := emf.String(); !strings.Contains(out, `"CacheErrors":2`) || !strings.Contains(out, `"Tier":"fake"`) {
		t.Fatalf("want 2 CacheErrors (the read and the ping) with Tier=fake, got:\n%s", out)
	}
	l2.down.Store(false)
	if err := tc.Ping(ctx); err != nil {
		t.Fatalf("Ping after recovery: %v", err)
	}
}
