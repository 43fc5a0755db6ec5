package metrics_test

import (
	"os"

	"github.com/liftcdk/lift/runtime/metrics"
)

func ExampleWriter_Counter() {
	w := metrics.New(os.Stdout, "Example")
	// Create counters once at init; Add is atomic and allocation-free.
	hits := w.Counter("CacheHits", metrics.Dimension{Name: "Service", Value: "orders"})
	hits.Add(1)
	hits.Add(1)
	// lift.Start flushes metrics.Default() after every invocation.
	w.Flush()
}
