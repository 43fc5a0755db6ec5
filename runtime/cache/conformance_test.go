package cache_test

import (
	"io"
	"testing"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/cachetest"
	"github.com/liftcdk/lift/runtime/metrics"
)

func quietMetrics() cache.Option { return cache.WithMetrics(metrics.New(io.Discard, "Test")) }

func newMemory(t testing.TB, opts ...cache.Option) *cache.Memory {
	t.Helper()
	m, err := cache.NewMemory(append([]cache.Option{cache.WithMaxBytes(16 << 20), quietMetrics()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMemoryConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache { return newMemory(t) })
}

// The tiered cache over a second memory tier (which reports expiry like the
// real backends) passes the same suite; real L2 backends run it in their packages.
func TestTieredConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache {
		tc, err := cache.NewTiered(newMemory(t), newMemory(t), quietMetrics())
		if err != nil {
			t.Fatal(err)
		}
		return tc
	})
}

func TestScopeConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache {
		s, err := cache.NewScope(newMemory(t), "svc")
		if err != nil {
			t.Fatal(err)
		}
		ts, err := s.Tenant("tenant-1")
		if err != nil {
			t.Fatal(err)
		}
		return ts
	})
}
