package cache_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/metrics"
)

// slowL2 answers after a delay longer than the tier's per-call timeout, or fails.
type slowL2 struct {
	cache.Cache
	delay time.Duration
	err   error
	calls int
}

func (s *slowL2) Get(ctx context.Context, key string) ([]byte, error) {
	s.calls++
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.err != nil {
		return nil, s.err
	}
	return nil, cache.ErrNotFound
}

func TestWarmIsNotBoundByTheRequestTimeout(t *testing.T) {
	mem, _ := cache.NewMemory()
	l2mem, _ := cache.NewMemory()
	l2 := &slowL2{Cache: l2mem, delay: 30 * time.Millisecond}
	tc, err := cache.NewTiered(mem, l2, cache.WithTimeout(5*time.Millisecond), cache.WithMetrics(metrics.New(io.Discard, "T")))
	if err != nil {
		t.Fatal(err)
	}
	scope, err := cache.NewScope(tc, "svc")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := scope.Warm(ctx); err != nil || l2.calls != 1 {
		t.Fatalf("Warm = %v after %d L2 calls: a slow first round trip must complete, not hit the 5ms request bound", err, l2.calls)
	}
	l2.err = errors.New("connection refused")
	if err := scope.Warm(ctx); err == nil {
		t.Fatal("Warm must report an unreachable L2 tier")
	}
	memOnly, _ := cache.NewMemory()
	if ms, err := cache.NewScope(memOnly, "svc"); err != nil || ms.Warm(ctx) != nil {
		t.Fatalf("a scope without an L2 tier warms as a no-op: %v", err)
	}
}
