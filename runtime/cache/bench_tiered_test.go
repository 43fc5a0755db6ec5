package cache_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/metrics"
)

// BenchmarkTieredOverheadL2Hit measures what the tiered path adds around an
// L2 hit, with an in-process L2 so the network does not hide it: memory miss,
// bounded L2 call, memory fill, envelope and JSON decode.
func BenchmarkTieredOverheadL2Hit(b *testing.B) {
	w := metrics.New(io.Discard, "Bench")
	mem, _ := cache.NewMemory(cache.WithMetrics(w))
	l2, _ := cache.NewMemory(cache.WithMetrics(w))
	tc, err := cache.NewTiered(mem, l2, cache.WithMetrics(w))
	if err != nil {
		b.Fatal(err)
	}
	type product struct {
		ID    string  `json:"id"`
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	ctx := context.Background()
	load := func(context.Context) (product, error) { return product{"p-1", "widget", 9.5}, nil }
	if _, err := cache.GetOrLoad(ctx, tc, "p-1", time.Hour, load); err != nil {
		b.Fatal(err)
	}
	b.Run("GetOrLoad", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = mem.Delete(ctx, "p-1")
			if _, err := cache.GetOrLoad(ctx, tc, "p-1", time.Hour, load); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TieredGet", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = mem.Delete(ctx, "p-1")
			if _, err := tc.Get(ctx, "p-1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DeleteOnly", func(b *testing.B) {
		for b.Loop() {
			_ = mem.Delete(ctx, "p-1")
		}
	})
}
