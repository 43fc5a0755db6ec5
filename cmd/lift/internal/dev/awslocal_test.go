package dev

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAWSLocalForwardsTraceContext: a Lambda Invoke lift dev answers for
// discovery reaches the callee with the caller's ClientContext (its Custom
// carries the traceparent) and X-Ray header, so the callee's spans join the
// caller's trace.
func TestAWSLocalForwardsTraceContext(t *testing.T) {
	got := make(chan http.Header, 1)
	callee := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		_, _ = w.Write([]byte(`{"inStock":12}`))
	}))
	defer callee.Close()
	d := &Dev{hub: newHub()}
	d.hub.add("inventory", "")
	s := &service{fn: Function{Service: "inventory"}, dev: d}
	s.cur.Store(&backend{addr: strings.TrimPrefix(callee.URL, "http://")})
	d.services = []*service{s}

	const clientContext = "eyJjdXN0b20iOnsidHJhY2VwYXJlbnQiOiIwMC00YmY5MmYzNTc3YjM0ZGE2YTNjZTkyOWQwZTBlNDczNi0wMGYwNjdhYTBiYTkwMmI3LTAxIn19"
	const xray = "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1"
	req := httptest.NewRequest(http.MethodPost, "/2015-03-31/functions/"+functionARN("inventory")+":live/invocations", strings.NewReader(`{"sku":"widget"}`))
	req.Header.Set("X-Amz-Client-Context", clientContext)
	req.Header.Set("X-Amzn-Trace-Id", xray)
	rec := httptest.NewRecorder()
	awsLocal{dev: d}.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusOK || string(body) != `{"inStock":12}` {
		t.Fatalf("invoke: %d %s", rec.Code, body)
	}
	h := <-got
	if h.Get("X-Amz-Client-Context") != clientContext || h.Get("X-Amzn-Trace-Id") != xray {
		t.Errorf("the callee got X-Amz-Client-Context %q and X-Amzn-Trace-Id %q; want the caller's", h.Get("X-Amz-Client-Context"), h.Get("X-Amzn-Trace-Id"))
	}
}

// TestAWSLocalDryRun: the queue feeder's DryRun check runs nothing, finds an
// unknown function missing, and a service without a running build not ready,
// so the feeder leaves its queue alone until it has one.
func TestAWSLocalDryRun(t *testing.T) {
	var ran atomic.Bool
	worker := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran.Store(true) }))
	defer worker.Close()
	d := &Dev{hub: newHub()}
	s := &service{fn: Function{Service: "shop/worker"}, dev: d}
	d.services = []*service{s}
	dryRun := func(name string) int {
		req := httptest.NewRequest(http.MethodPost, "/2015-03-31/functions/"+strings.ReplaceAll(name, "/", "%2F")+"/invocations", nil)
		req.Header.Set("X-Amz-Invocation-Type", "DryRun")
		rec := httptest.NewRecorder()
		awsLocal{dev: d}.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := dryRun("shop/worker"); code != http.StatusServiceUnavailable {
		t.Errorf("DryRun before the first build runs: %d, want 503", code)
	}
	s.cur.Store(&backend{addr: strings.TrimPrefix(worker.URL, "http://")})
	if code := dryRun("shop/worker"); code != http.StatusNoContent || ran.Load() {
		t.Errorf("DryRun with a build running: %d (ran the function: %v), want 204 and nothing run", code, ran.Load())
	}
	if code := dryRun("nope"); code != http.StatusNotFound {
		t.Errorf("DryRun of an unknown function: %d, want 404", code)
	}
}
