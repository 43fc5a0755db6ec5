package cache_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/metrics"
)

func newTiered(t *testing.T, l2 cache.Cache, opts ...cache.Option) (*cache.Tiered, *bytes.Buffer, *metrics.Writer, *bytes.Buffer) {
	t.Helper()
	var emf, logs bytes.Buffer
	w := metrics.New(&emf, "Test")
	base := []cache.Option{cache.WithMetrics(w), cache.WithService("svc"),
		cache.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil)))}
	tc, err := cache.NewTiered(newMemory(t, cache.WithMetrics(w), cache.WithService("svc")), l2, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return tc, &emf, w, &logs
}

func TestTieredMemoryNeverOutlivesL2(t *testing.T) {
	l2 := newFakeL2(t)
	tc, _, _, _ := newTiered(t, l2)
	ctx := context.Background()
	// Written by another instance with a short TTL.
	if err := l2.inner.Set(ctx, "k", []byte("v"), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, err := tc.Get(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	waitFilled(t, tc, "k")
	_, exp, err := tc.Memory().GetWithExpiry(ctx, "k")
	if err != nil {
		t.Fatalf("memory not filled on L2 hit: %v", err)
	}
	_, l2exp, _ := l2.inner.GetWithExpiry(ctx, "k")
	if exp.After(l2exp) {
		t.Fatalf("memory copy expires at %v, after the L2 copy at %v", exp, l2exp)
	}
}

func TestTieredMemoryTTLCap(t *testing.T) {
	tc, _, _, _ := newTiered(t, newFakeL2(t), cache.WithMemoryTTL(time.Second))
	if err := tc.Set(context.Background(), "k", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	_, exp, err := tc.Memory().GetWithExpiry(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d > time.Second {
		t.Fatalf("memory TTL %v exceeds the 1s cap", d)
	}
}

func TestTieredRoundTrips(t *testing.T) {
	l2 := newFakeL2(t)
	tc, _, _, _ := newTiered(t, l2)
	ctx := context.Background()
	if err := l2.inner.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := tc.Get(ctx, "k"); err != nil { // memory miss, L2 hit
		t.Fatal(err)
	}
	waitFilled(t, tc, "k") // the fill runs beside the request
	if got := l2.gets.Load(); got != 1 {
		t.Fatalf("memory miss served by L2: %d L2 reads, want 1", got)
	}
	for range 10 {
		if _, err := tc.Get(ctx, "k"); err != nil {
			t.Fatal(err)
		}
	}
	if got := l2.gets.Load(); got != 1 {
		t.Fatalf("memory hits made %d more L2 reads, want 0", got-1)
	}
}

func TestTieredFailsOpenAndCounts(t *testing.T) {
	l2 := newFakeL2(t)
	tc, emf, w, logs := newTiered(t, l2, cache.WithLogInterval(time.Hour))
	ctx := context.Background()
	l2.down.Store(true)
	for i := range 50 {
		if err := tc.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatalf("Set with L2 down returned %v; want nil (fail open)", err)
		}
		if err := tc.Memory().Delete(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := tc.Get(ctx, "k"); !errors.Is(err, cache.ErrNotFound) {
			t.Fatalf("Get %d with L2 down: %v, want a miss", i, err)
		}
	}
	if err := tc.Delete(ctx, "k"); !errors.Is(err, errDown) {
		t.Fatalf("Delete with L2 down: %v, want the L2 error", err)
	}
	w.Flush()
	out := emf.String()
	if !strings.Contains(out, `"CacheErrors":101`) || !strings.Contains(out, `"Tier":"fake"`) {
		t.Fatalf("want 101 CacheErrors with Tier=fake in EMF, got:\n%s", out)
	}
	if n := strings.Count(logs.String(), "\n"); n != 1 {
		t.Fatalf("want 1 rate-limited log line for 101 failures, got %d:\n%s", n, logs.String())
	}
	l2.down.Store(false)
	if err := tc.Set(ctx, "k", []byte("v2"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, err := l2.inner.Get(ctx, "k"); err != nil || string(v) != "v2" {
		t.Fatalf("after recovery L2 holds %q, %v", v, err)
	}
}

func TestTieredTimeoutRespectsDeadline(t *testing.T) {
	l2 := newFakeL2(t)
	l2.delay.Store(int64(time.Second))
	tc, _, _, _ := newTiered(t, l2, cache.WithTimeout(50*time.Millisecond))
	start := time.Now()
	if _, err := tc.Get(context.Background(), "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("slow L2: %v, want a miss after the timeout", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("Get took %v with a 50ms L2 timeout", d)
	}
	// With 40ms left in the invocation, the L2 call gets at most half of it.
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	tc2, _, _, _ := newTiered(t, l2, cache.WithTimeout(time.Second))
	_, _ = tc2.Get(ctx, "k")
	l2.mu.Lock()
	reserved := l2.lastDeadlineReserved
	l2.mu.Unlock()
	if reserved > 20*time.Millisecond {
		t.Fatalf("L2 call got %v of a 40ms invocation; want at most half", reserved)
	}
}

func TestTieredValueTooLargeIsAnError(t *testing.T) {
	l2 := newFakeL2(t)
	tc, _, _, _ := newTiered(t, l2)
	ctx := context.Background()
	big := make([]byte, 17<<20) // over the 16 MiB fake L2
	if err := tc.Set(ctx, "k", big, time.Minute); !errors.Is(err, cache.ErrValueTooLarge) {
		t.Fatalf("oversized Set: %v, want ErrValueTooLarge", err)
	}
	if _, err := tc.Get(ctx, "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("oversized value readable afterwards: %v", err)
	}
}

// waitFilled waits for the memory fill that follows an L2 hit.
func waitFilled(t *testing.T, tc *cache.Tiered, key string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, err := tc.Memory().Get(context.Background(), key); err == nil {
			return
		}
	}
	t.Fatalf("memory not filled within 2s of an L2 hit of %q", key)
}

// The memory fill after an L2 hit runs beside the request; a Set or Delete
// that follows the read wins, so memory never keeps the older value.
func TestTieredFillNeverResurrectsAnOlderValue(t *testing.T) {
	l2 := newFakeL2(t)
	tc, _, _, _ := newTiered(t, l2)
	ctx := context.Background()
	for i := range 200 {
		if err := l2.inner.Set(ctx, "k", []byte("old"), time.Minute); err != nil {
			t.Fatal(err)
		}
		_ = tc.Memory().Delete(ctx, "k")
		if _, err := tc.Get(ctx, "k"); err != nil { // starts a fill of "old"
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := tc.Delete(ctx, "k"); err != nil {
				t.Fatal(err)
			}
		} else if err := tc.Set(ctx, "k", []byte("new"), time.Minute); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // let a late fill land, if it would
		if v, err := tc.Memory().Get(ctx, "k"); err == nil && string(v) == "old" {
			t.Fatalf("round %d: memory holds the value read before a later write", i)
		}
	}
}
