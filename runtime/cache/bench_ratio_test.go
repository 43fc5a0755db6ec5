package cache_test

import (
	"testing"
	"time"
)

// The machine these run on is shared, and its load swings within seconds, so
// separate sub-benchmarks can land in different weather. These interleave the
// three implementations in chunks of 512 operations inside one benchmark and
// report each one's ns/op and the ratios, so all three see the same load.
func benchInterleaved(b *testing.B, op func(c getSetter, k string)) {
	impls := implementations(b)
	for _, impl := range impls {
		for _, k := range keys {
			impl.c.set(k, value)
		}
	}
	const chunk = 512
	spent := make([]time.Duration, len(impls))
	ops := 0
	i := 0
	for b.Loop() {
		for n, impl := range impls {
			start := time.Now()
			for j := range chunk {
				op(impl.c, keys[(i+j)&(benchKeys-1)])
			}
			spent[n] += time.Since(start)
		}
		i += chunk
		ops += chunk
	}
	per := func(n int) float64 { return float64(spent[n].Nanoseconds()) / float64(ops) }
	b.ReportMetric(per(0), "lift-ns/op")
	b.ReportMetric(per(1), "otter-ns/op")
	b.ReportMetric(per(2), "lru-ns/op")
	b.ReportMetric(per(0)/per(1), "lift/otter")
	b.ReportMetric(per(0)/per(2), "lift/lru")
}

func BenchmarkInterleavedGetHit(b *testing.B) {
	benchInterleaved(b, func(c getSetter, k string) {
		if _, ok := c.get(k); !ok {
			b.Fatal("miss")
		}
	})
}

func BenchmarkInterleavedSet(b *testing.B) {
	benchInterleaved(b, func(c getSetter, k string) { c.set(k, value) })
}
