package cache

import (
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// tierMetrics are one tier's counters, dimensions Service and Tier. The
// counters are created once; Add is atomic and allocation free.
type tierMetrics struct {
	hits, misses, errors *metrics.Counter
}

func newTierMetrics(o *options, tier string) tierMetrics {
	w := o.metrics
	if w == nil {
		w = metrics.Default()
	}
	svc := metrics.ServiceDimension()
	if o.service != "" {
		svc = metrics.Dimension{Name: contract.DimService, Value: o.service}
	}
	dims := []metrics.Dimension{svc, {Name: contract.DimTier, Value: tier}}
	return tierMetrics{
		hits:   w.Counter(contract.MetricCacheHits, dims...),
		misses: w.Counter(contract.MetricCacheMisses, dims...),
		errors: w.Counter(contract.MetricCacheErrors, dims...),
	}
}
