package dev

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// TestHubReadsRuntimeEMF feeds the hub the EMF lines the runtime's own
// metrics writer produces, batched by Counter and single by Emit, and a JSON
// log line, and checks what the dashboard would show.
func TestHubReadsRuntimeEMF(t *testing.T) {
	var out bytes.Buffer
	w := metrics.New(&out, contract.MetricsNamespace)
	svc := metrics.Dimension{Name: contract.DimService, Value: "shop"}
	w.Emit([]metrics.Dimension{svc}, contract.MetricColdStart, metrics.Count, 1)
	w.Emit([]metrics.Dimension{svc}, contract.MetricWarmups, metrics.Count, 1)
	hits := w.Counter(contract.MetricCacheHits, svc, metrics.Dimension{Name: contract.DimTier, Value: contract.TierMemory})
	hits.Add(2)
	hits.Add(1)
	w.Emit([]metrics.Dimension{svc, {Name: contract.DimTarget, Value: "inventory"}}, contract.MetricDiscoveryCalls, metrics.Count, 1)
	w.Emit([]metrics.Dimension{svc, {Name: contract.DimTarget, Value: "pricing"}}, contract.MetricBreakerOpen, metrics.Count, 1)
	w.Counter(contract.MetricJobsSucceeded, svc).Add(2)
	w.Counter(contract.MetricJobsRetried, svc).Add(1)
	w.Emit([]metrics.Dimension{svc}, contract.MetricJobsFailed, metrics.Count, 1)
	w.Flush()
	out.WriteString(`{"time":"2026-12-07T01:00:00Z","level":"WARN","msg":"slow","requestId":"r-1"}` + "\n")
	out.WriteString("plain text\n")

	h := newHub()
	h.add("shop", "http://127.0.0.1:1")
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		h.line("shop", sc.Bytes())
	}
	h.request("shop", 10*time.Millisecond, false)
	h.request("shop", 30*time.Millisecond, true)

	s := h.snapshot(0, 0)
	got := s.Services[0]
	if got.ColdStarts != 1 || got.Warmups != 1 || got.Invocations != 2 || got.Errors != 1 {
		t.Errorf("cold starts %d, warm-ups %d, invocations %d, errors %d; want 1, 1, 2, 1", got.ColdStarts, got.Warmups, got.Invocations, got.Errors)
	}
	if j := got.Jobs; j == nil || *j != (JobStats{Succeeded: 2, Failed: 1, Retried: 1}) {
		t.Errorf("jobs %+v, want 2 succeeded, 1 failed, 1 retried", j)
	}
	if c := got.Cache[contract.TierMemory]; c == nil || c.Hits != 3 {
		t.Errorf("memory tier %+v, want 3 hits", c)
	}
	if d := got.Discovery["inventory"]; d == nil || d.Calls != 1 || d.Breaker != "closed" {
		t.Errorf("inventory %+v, want 1 call, breaker closed", d)
	}
	if d := got.Discovery["pricing"]; d == nil || d.Breaker != "open" {
		t.Errorf("pricing %+v, want breaker open", d)
	}
	if got.P50Ms != 30 && got.P50Ms != 10 || got.P99Ms != 30 {
		t.Errorf("p50 %v p99 %v, want 10 or 30 and 30", got.P50Ms, got.P99Ms)
	}
	if last := got.Chart[len(got.Chart)-1]; last.P99 != 30 {
		t.Errorf("chart's last point %+v, want p99 30", last)
	}
	if len(s.Logs) != 2 || s.Logs[0].Level != "WARN" || s.Logs[0].RequestID != "r-1" || s.Logs[1].Message != "plain text" {
		t.Errorf("logs %+v: want the JSON line's fields, then the text line", s.Logs)
	}
	if later := h.snapshot(s.Logs[1].Seq, 0); len(later.Logs) != 0 {
		t.Errorf("snapshot after the last seq has %d lines", len(later.Logs))
	}
}
