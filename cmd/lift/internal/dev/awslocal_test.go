package dev

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
