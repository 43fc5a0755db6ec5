package dev

import (
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// Service statuses the dashboard shows.
const (
	StatusStarting    = "starting"
	StatusUp          = "up"
	StatusRebuilding  = "rebuilding"
	StatusBuildFailed = "build failed"
)

// window is how far back the latency percentiles look.
const window = time.Minute

// ServiceStats is what the dashboard shows of one service.
type ServiceStats struct {
	Name        string  `json:"name"`
	URL         string  `json:"url"`
	Status      string  `json:"status"`
	Health      string  `json:"health,omitempty"` // pass, warn, fail: the last health check
	BuildError  string  `json:"buildError,omitempty"`
	LastReload  string  `json:"lastReload,omitempty"`
	ColdStartMs int64   `json:"coldStartMs,omitempty"` // the last cold start a warm-up absorbed
	Invocations int64   `json:"invocations"`
	Errors      int64   `json:"errors"`
	ColdStarts  int64   `json:"coldStarts"`
	Warmups     int64   `json:"warmups"`
	Spans       int64   `json:"spans"` // spans recorded: none means the handler does not trace
	P50Ms       float64 `json:"p50Ms"`
	P99Ms       float64 `json:"p99Ms"`
	// Chart is p50 and p99 over the last minute, one point per 5 s.
	Chart     []ChartPoint            `json:"chart"`
	Cache     map[string]*CacheStats  `json:"cache"`     // by tier
	Discovery map[string]*TargetStats `json:"discovery"` // by target service
	// Jobs counts a jobs worker's jobs (nil for a function that runs none).
	Jobs      *JobStats `json:"jobs,omitempty"`
	latencies []sample
}

// JobStats are a worker's JobsSucceeded, JobsFailed and JobsRetried.
type JobStats struct {
	Succeeded int64 `json:"succeeded"`
	Failed    int64 `json:"failed"`
	Retried   int64 `json:"retried"`
}

type ChartPoint struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

type CacheStats struct {
	Hits   int64 `json:"hits"`
	Misses int64 `json:"misses"`
	Errors int64 `json:"errors"`
}

type TargetStats struct {
	Calls       int64  `json:"calls"`
	Errors      int64  `json:"errors"`
	BreakerOpen int64  `json:"breakerOpen"`
	Breaker     string `json:"breaker"` // closed, or open while calls are refused
}

type sample struct {
	at time.Time
	ms float64
}

// LogLine is one line a function wrote, as the log view shows it.
type LogLine struct {
	Seq       int64  `json:"seq"`
	Service   string `json:"service"`
	Time      string `json:"time"`
	Level     string `json:"level"`
	Message   string `json:"msg"`
	RequestID string `json:"requestId,omitempty"`
	TraceID   string `json:"traceId,omitempty"`
	Raw       string `json:"raw"`
}

// maxLogLines bounds the log view's memory (the newest lines win).
const maxLogLines = 2000

// hub holds the state of every service and fans changes out to the
// dashboard's event streams.
type hub struct {
	mu       sync.Mutex
	order    []string
	services map[string]*ServiceStats
	logs     []LogLine
	seq      int64
	traces   *traces
	tracing  string                 // the functions' LIFT_TRACING
	subs     map[chan struct{}]bool // the event streams, signalled (non-blocking) on every change
	now      func() time.Time
}

func newHub() *hub {
	return &hub{services: map[string]*ServiceStats{}, subs: map[chan struct{}]bool{}, now: time.Now,
		traces: newTraces(), tracing: tracingMode()}
}

func (h *hub) add(name, url string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.order = append(h.order, name)
	h.services[name] = &ServiceStats{Name: name, URL: url, Status: StatusStarting,
		Cache: map[string]*CacheStats{}, Discovery: map[string]*TargetStats{}}
}

// update changes one service under the lock and signals the change.
func (h *hub) update(name string, fn func(s *ServiceStats)) {
	h.mu.Lock()
	if s := h.services[name]; s != nil {
		fn(s)
	}
	h.mu.Unlock()
	h.signal()
}

func (h *hub) signal() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

func (h *hub) subscribe() chan struct{} {
	c := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[c] = true
	h.mu.Unlock()
	return c
}

func (h *hub) unsubscribe(c chan struct{}) {
	h.mu.Lock()
	delete(h.subs, c)
	h.mu.Unlock()
}

// request records one request the service's proxy answered.
func (h *hub) request(name string, d time.Duration, failed bool) {
	h.update(name, func(s *ServiceStats) {
		s.Invocations++
		if failed {
			s.Errors++
		}
		s.latencies = append(s.latencies, sample{at: h.now(), ms: float64(d.Microseconds()) / 1000})
	})
}

// line takes one line a function wrote: a span joins its trace, an EMF line
// updates the counts, a JSON log line goes to the log view as its fields,
// anything else as text. It reports whether the line was a span.
func (h *hub) line(name string, b []byte) (span bool) {
	if sp, ok := parseSpan(name, b); ok {
		h.update(name, func(s *ServiceStats) {
			s.Spans++
			h.traces.add(sp)
		})
		return true
	}
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		if aws, ok := m["_aws"].(map[string]any); ok {
			h.update(name, func(s *ServiceStats) { applyEMF(s, aws, m) })
			return false
		}
	}
	l := LogLine{Service: name, Time: h.now().UTC().Format(time.RFC3339Nano), Level: "INFO", Raw: string(b), Message: string(b)}
	if m != nil {
		l.Time, _ = m["time"].(string)
		l.Level, _ = m["level"].(string)
		l.Message, _ = m["msg"].(string)
		l.RequestID, _ = m["requestId"].(string)
		l.TraceID, _ = m["traceId"].(string)
	}
	h.mu.Lock()
	h.seq++
	l.Seq = h.seq
	h.logs = append(h.logs, l)
	if len(h.logs) > maxLogLines {
		h.logs = slices.Clone(h.logs[len(h.logs)-maxLogLines:])
	}
	h.mu.Unlock()
	h.signal()
	return false
}

// applyEMF adds the metrics of one EMF line to s.
func applyEMF(s *ServiceStats, aws, m map[string]any) {
	defs, _ := aws["CloudWatchMetrics"].([]any)
	for _, d := range defs {
		def, _ := d.(map[string]any)
		metrics, _ := def["Metrics"].([]any)
		for _, mm := range metrics {
			md, _ := mm.(map[string]any)
			name, _ := md["Name"].(string)
			n := int64(sum(m[name]))
			tier, _ := m[contract.DimTier].(string)
			target, _ := m[contract.DimTarget].(string)
			switch name {
			case contract.MetricColdStart:
				s.ColdStarts += n
			case contract.MetricWarmups:
				s.Warmups += n
			case contract.MetricCacheHits:
				cacheOf(s, tier).Hits += n
			case contract.MetricCacheMisses:
				cacheOf(s, tier).Misses += n
			case contract.MetricCacheErrors:
				cacheOf(s, tier).Errors += n
			case contract.MetricDiscoveryCalls:
				targetOf(s, target).Calls += n
			case contract.MetricDiscoveryErrors:
				targetOf(s, target).Errors += n
			case contract.MetricJobsSucceeded:
				jobsOf(s).Succeeded += n
			case contract.MetricJobsFailed:
				jobsOf(s).Failed += n
			case contract.MetricJobsRetried:
				jobsOf(s).Retried += n
			case contract.MetricBreakerOpen:
				t := targetOf(s, target)
				t.BreakerOpen += n
				if n > 0 {
					t.Breaker = "open"
				}
			}
			if name == contract.MetricDiscoveryCalls && n > 0 {
				targetOf(s, target).Breaker = "closed" // a call went through
			}
		}
	}
}

// sum reads an EMF value: a number or an array of numbers.
func sum(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case []any:
		var t float64
		for _, e := range x {
			t += sum(e)
		}
		return t
	}
	return 0
}

func jobsOf(s *ServiceStats) *JobStats {
	if s.Jobs == nil {
		s.Jobs = &JobStats{}
	}
	return s.Jobs
}

func cacheOf(s *ServiceStats, tier string) *CacheStats {
	if s.Cache[tier] == nil {
		s.Cache[tier] = &CacheStats{}
	}
	return s.Cache[tier]
}

func targetOf(s *ServiceStats, target string) *TargetStats {
	if s.Discovery[target] == nil {
		s.Discovery[target] = &TargetStats{Breaker: "closed"}
	}
	return s.Discovery[target]
}

// Snapshot is the dashboard's whole state.
type Snapshot struct {
	Services []ServiceStats `json:"services"`
	Logs     []LogLine      `json:"logs"`
	Traces   []TraceSummary `json:"traces"`  // newest first
	Tracing  string         `json:"tracing"` // the functions' LIFT_TRACING
}

// snapshot returns the services, with percentiles over the last minute,
// the log lines after seq and the traces changed after traceSeq.
func (h *hub) snapshot(afterSeq, afterTraceSeq int64) Snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	snap := Snapshot{Traces: h.traces.summaries(afterTraceSeq), Tracing: h.tracing}
	for _, name := range h.order {
		s := h.services[name]
		keep := slices.IndexFunc(s.latencies, func(x sample) bool { return now.Sub(x.at) < window })
		if keep < 0 {
			s.latencies = s.latencies[:0]
		} else {
			s.latencies = s.latencies[keep:]
		}
		c := *s
		c.Cache, c.Discovery = cloneMap(s.Cache), cloneMap(s.Discovery)
		c.P50Ms, c.P99Ms = percentiles(s.latencies)
		c.Chart = chart(s.latencies, now)
		c.latencies = nil
		snap.Services = append(snap.Services, c)
	}
	for _, l := range h.logs {
		if l.Seq > afterSeq {
			snap.Logs = append(snap.Logs, l)
		}
	}
	return snap
}

// trace returns one trace with its spans.
func (h *hub) trace(id string) (Trace, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.traces.get(id)
}

// traceSummaries returns every trace's summary, newest first.
func (h *hub) traceSummaries() []TraceSummary {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.traces.summaries(0)
}

func cloneMap[V any](m map[string]*V) map[string]*V {
	out := make(map[string]*V, len(m))
	for k, v := range m {
		c := *v
		out[k] = &c
	}
	return out
}

func percentiles(xs []sample) (p50, p99 float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	ms := make([]float64, len(xs))
	for i, x := range xs {
		ms[i] = x.ms
	}
	slices.Sort(ms)
	at := func(q float64) float64 { return ms[min(len(ms)-1, int(q*float64(len(ms))))] }
	return at(0.50), at(0.99)
}

// chart buckets the last minute into 12 points of 5 s.
func chart(xs []sample, now time.Time) []ChartPoint {
	const points = 12
	buckets := make([][]sample, points)
	for _, x := range xs {
		i := points - 1 - int(now.Sub(x.at)/(window/points))
		if i >= 0 && i < points {
			buckets[i] = append(buckets[i], x)
		}
	}
	out := make([]ChartPoint, points)
	for i, b := range buckets {
		out[i].P50, out[i].P99 = percentiles(b)
	}
	return out
}
