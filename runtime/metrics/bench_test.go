package metrics

import (
	"io"
	"math"
	"testing"
)

func nan() float64      { return math.NaN() }
func inf(s int) float64 { return math.Inf(s) }

func BenchmarkCounterAdd(b *testing.B) {
	c := New(io.Discard, "").Counter("Hits", Dimension{"Service", "s"})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Add(1)
		}
	})
}

// BenchmarkFlushOneCounter is the per-invocation cost lift.Start pays.
func BenchmarkFlushOneCounter(b *testing.B) {
	w := New(io.Discard, "")
	c := w.Counter("Invocations", Dimension{"Service", "orders"})
	b.ReportAllocs()
	for b.Loop() {
		c.Add(1)
		w.Flush()
	}
}

func BenchmarkFlushNothingPending(b *testing.B) {
	w := New(io.Discard, "")
	for _, n := range []string{"A", "B", "C", "D"} {
		w.Counter(n, Dimension{"Service", "orders"})
	}
	b.ReportAllocs()
	for b.Loop() {
		w.Flush()
	}
}

func BenchmarkEmit(b *testing.B) {
	w := New(io.Discard, "")
	dims := []Dimension{{"Service", "orders"}}
	b.ReportAllocs()
	for b.Loop() {
		w.Emit(dims, "ShutdownDuration", Milliseconds, 12.5)
	}
}
