package discovery

import (
	"sync"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// targetCounters are the discovery metrics of one target service
// (dimensions Service and Target).
type targetCounters struct {
	calls       *metrics.Counter // DiscoveryCalls: Invoke calls
	errors      *metrics.Counter // DiscoveryErrors: failed Invoke calls and failed Cloud Map refreshes
	retries     *metrics.Counter // DiscoveryRetries: extra attempts of idempotent calls
	refreshes   *metrics.Counter // DiscoveryRefreshes: instance sets fetched from Cloud Map
	breakerOpen *metrics.Counter // BreakerOpen: attempts refused by an open breaker
}

type meter struct {
	w       *metrics.Writer
	service metrics.Dimension
	mu      sync.Mutex
	byName  map[string]*targetCounters
}

func newMeter(c *config) *meter {
	w := c.metrics
	if w == nil {
		w = metrics.Default()
	}
	svc := metrics.ServiceDimension()
	if c.service != "" {
		svc = metrics.Dimension{Name: contract.DimService, Value: c.service}
	}
	return &meter{w: w, service: svc, byName: map[string]*targetCounters{}}
}

// target returns the counters of target, creating them once (off the hot path).
func (m *meter) target(target string) *targetCounters {
	m.mu.Lock()
	defer m.mu.Unlock()
	if tc, ok := m.byName[target]; ok {
		return tc
	}
	dim := metrics.Dimension{Name: contract.DimTarget, Value: target}
	tc := &targetCounters{
		calls:       m.w.Counter(contract.MetricDiscoveryCalls, m.service, dim),
		errors:      m.w.Counter(contract.MetricDiscoveryErrors, m.service, dim),
		retries:     m.w.Counter(contract.MetricDiscoveryRetries, m.service, dim),
		refreshes:   m.w.Counter(contract.MetricDiscoveryRefreshes, m.service, dim),
		breakerOpen: m.w.Counter(contract.MetricBreakerOpen, m.service, dim),
	}
	m.byName[target] = tc
	return tc
}
