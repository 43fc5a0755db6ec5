package dev

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
)

// TestHubReadsRuntimeSpans feeds the hub what a handler with
// LIFT_TRACING=stdout really writes (runtime/tracing's stdout exporter and
// Lift's logger on one stream): the spans join one trace and stay out of
// the log view, and the log lines carry the trace's id.
func TestHubReadsRuntimeSpans(t *testing.T) {
	var out testsvc.SyncBuffer
	p, err := tracing.Stdout(&out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	mem, err := cache.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	h, err := lift.NewHandler(func(ctx context.Context, _ map[string]any) (int, error) {
		n, _ := cache.GetOrLoad(ctx, mem, "stock", time.Minute, func(context.Context) (int, error) { return 12, nil })
		lift.Logger(ctx).Info("looked up")
		return n, errors.New("out of widgets")
	}, lift.WithLogWriter(&out))
	if err != nil {
		t.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	if _, err := h.Invoke(ctx, []byte(`{}`)); err == nil {
		t.Fatal("the handler's error was lost")
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	hb := newHub()
	hb.add("orders", "http://127.0.0.1:1")
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		hb.line("orders", sc.Bytes())
	}
	snap := hb.snapshot(0, 0)
	if len(snap.Traces) != 1 {
		t.Fatalf("traces %+v, want one\n%s", snap.Traces, out.String())
	}
	sum := snap.Traces[0]
	if sum.Root != "invocation" || sum.Service != "orders" || sum.Spans != 2 || sum.Status != "error" || sum.DurationMs <= 0 {
		t.Errorf("summary %+v: want root invocation of orders, 2 spans, status error, a duration", sum)
	}
	if snap.Services[0].Spans != 2 {
		t.Errorf("orders recorded %d spans, want 2", snap.Services[0].Spans)
	}
	tr, ok := hb.trace(sum.ID)
	if !ok || len(tr.Spans) != 2 {
		t.Fatalf("trace %s: %+v", sum.ID, tr)
	}
	inv, get := tr.Spans[0], tr.Spans[1]
	if inv.Name != "invocation" || inv.Kind != "server" || inv.Depth != 0 || inv.Error != "out of widgets" || inv.Attributes["faas.invocation_id"] != "req-1" {
		t.Errorf("invocation span %+v", inv)
	}
	if get.Name != "cache.get" || get.Kind != "client" || get.Depth != 1 || get.ParentID != inv.SpanID ||
		get.Attributes["lift.cache.tier"] != "loader" || get.Attributes["lift.cache.hit"] != false {
		t.Errorf("cache span %+v, want a client child of the invocation, tier loader, a miss", get)
	}
	var logged bool
	for _, l := range snap.Logs {
		if strings.Contains(l.Raw, `"SpanContext"`) {
			t.Errorf("a span line reached the log view: %.80s", l.Raw)
		}
		if l.Message == "looked up" {
			logged = l.TraceID == sum.ID
		}
	}
	if !logged {
		t.Errorf("no 'looked up' log line carrying trace %s: %+v", sum.ID, snap.Logs)
	}
}

// spanLine is a span as the stdout exporter writes it.
func spanLine(traceID, spanID, parentID, name string, kind int, start time.Time, d time.Duration, status string) string {
	if parentID == "" {
		parentID = "0000000000000000"
	}
	return fmt.Sprintf(`{"Name":%q,"SpanContext":{"TraceID":%q,"SpanID":%q,"TraceFlags":"01"},"Parent":{"TraceID":%q,"SpanID":%q,"Remote":true},`+
		`"SpanKind":%d,"StartTime":%q,"EndTime":%q,"Attributes":[{"Key":"http.response.status_code","Value":{"Type":"INT64","Value":200}}],`+
		`"Status":{"Code":%q,"Description":""}}`, name, traceID, spanID, traceID, parentID, kind,
		start.Format(time.RFC3339Nano), start.Add(d).Format(time.RFC3339Nano), status)
}

const traceA = "4bf92f3577b34da6a3ce929d0e0e4736"

// TestTracesJoinServicesInAnyOrder: the callee's spans arrive before the
// caller's (each process flushes when its invocation ends); the trace is one,
// rooted at the caller, with the callee's spans under the caller's call.
func TestTracesJoinServicesInAnyOrder(t *testing.T) {
	h := newHub()
	h.add("orders", "")
	h.add("inventory", "")
	t0 := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	h.line("inventory", []byte(spanLine(traceA, "00000000000000c2", "00000000000000c1", "cache.get", 3, t0.Add(3*time.Millisecond), time.Millisecond, "Unset")))
	h.line("inventory", []byte(spanLine(traceA, "00000000000000c1", "00000000000000a2", "inventory", 2, t0.Add(2*time.Millisecond), 3*time.Millisecond, "Unset")))
	h.line("orders", []byte(spanLine(traceA, "00000000000000a2", "00000000000000a1", "discovery.call", 3, t0.Add(time.Millisecond), 5*time.Millisecond, "Unset")))
	h.line("orders", []byte(spanLine(traceA, "00000000000000a1", "", "HTTP POST", 2, t0, 8*time.Millisecond, "Unset")))
	h.line("orders", []byte(spanLine(traceA, "00000000000000a1", "", "HTTP POST", 2, t0, 8*time.Millisecond, "Unset"))) // read twice

	tr, ok := h.trace(traceA)
	if !ok {
		t.Fatal("no trace")
	}
	var got []string
	for _, s := range tr.Spans {
		got = append(got, fmt.Sprintf("%d %s %s", s.Depth, s.Service, s.Name))
	}
	want := []string{"0 orders HTTP POST", "1 orders discovery.call", "2 inventory inventory", "3 inventory cache.get"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("spans in tree order:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	s := tr.TraceSummary
	if s.Root != "HTTP POST" || s.Service != "orders" || s.Spans != 4 || s.DurationMs != 8 || s.HTTPStatus != 200 ||
		!s.Start.Equal(t0) || strings.Join(s.Services, ",") != "inventory,orders" || s.Status != "ok" {
		t.Errorf("summary %+v", s)
	}
	if later := h.snapshot(0, s.Seq); len(later.Traces) != 0 {
		t.Errorf("nothing changed after seq %d, yet %d traces were sent again", s.Seq, len(later.Traces))
	}
	h.line("inventory", []byte(spanLine(traceA, "00000000000000c3", "00000000000000c1", "cache.get", 3, t0.Add(4*time.Millisecond), time.Millisecond, "Error")))
	if later := h.snapshot(0, s.Seq); len(later.Traces) != 1 || later.Traces[0].Status != "error" || later.Traces[0].Spans != 5 {
		t.Errorf("after a late failed span: %+v, want the trace again with 5 spans, status error", later.Traces)
	}
}

// TestParseSpanRefusesMalformedLines: lines that are not whole spans with
// valid ids are not spans; the log view shows them as they came.
func TestParseSpanRefusesMalformedLines(t *testing.T) {
	t0 := time.Now()
	good := spanLine(traceA, "00000000000000a1", "", "x", 2, t0, time.Millisecond, "Unset")
	for name, line := range map[string]string{
		"cut short":        good[:len(good)/2],
		"zero trace id":    spanLine(strings.Repeat("0", 32), "00000000000000a1", "", "x", 2, t0, 0, "Unset"),
		"short span id":    spanLine(traceA, "a1", "", "x", 2, t0, 0, "Unset"),
		"not hex":          spanLine(strings.Repeat("z", 32), "00000000000000a1", "", "x", 2, t0, 0, "Unset"),
		"a log line":       `{"level":"INFO","msg":"SpanContext is a word here","traceId":"` + traceA + `"}`,
		"SpanContext text": `the "SpanContext" of nothing`,
		"SpanContext odd":  `{"msg":"x","SpanContext":"not an object"}`,
	} {
		if _, ok := parseSpan("orders", []byte(line)); ok {
			t.Errorf("%s: read as a span: %s", name, line)
		}
		h := newHub()
		h.add("orders", "")
		h.line("orders", []byte(line))
		if snap := h.snapshot(0, 0); len(snap.Traces) != 0 || len(snap.Logs) != 1 || snap.Logs[0].Raw != line {
			t.Errorf("%s: traces %+v, logs %+v; want the line in the log view", name, snap.Traces, snap.Logs)
		}
	}
	odd := strings.Replace(good, `"SpanKind":2`, `"SpanKind":42`, 1)
	odd = strings.Replace(odd, `"EndTime":"`+t0.Add(time.Millisecond).Format(time.RFC3339Nano)+`"`, `"EndTime":"0001-01-01T00:00:00Z"`, 1)
	if s, ok := parseSpan("orders", []byte(odd)); !ok || s.Kind != "unspecified" || s.DurationMs != 0 || s.ParentID != "" {
		t.Errorf("an unknown kind and no end time: %+v, %v; want a span of kind unspecified lasting 0 ms with no parent", s, ok)
	}
}

// TestTracesBounds: the newest maxTraces traces are kept, a trace keeps its
// first maxSpansPerTrace spans and counts the others, long values are cut.
func TestTracesBounds(t *testing.T) {
	ts := newTraces()
	if b, _ := json.Marshal(ts.summaries(0)); string(b) != "[]" {
		t.Errorf("no traces in JSON: %s, want []", b)
	}
	t0 := time.Now()
	id := func(i int) string { return fmt.Sprintf("%032x", i+1) }
	for i := range maxTraces + 50 {
		s, _ := parseSpan("orders", []byte(spanLine(id(i), "00000000000000a1", "", "root", 2, t0, time.Millisecond, "Unset")))
		ts.add(s)
	}
	if len(ts.byID) != maxTraces || len(ts.order) != maxTraces || ts.byID[id(49)] != nil || ts.byID[id(50)] == nil {
		t.Errorf("%d traces kept (order %d); want the newest %d, from %s", len(ts.byID), len(ts.order), maxTraces, id(50))
	}
	if sums := ts.summaries(0); len(sums) != maxTraces || sums[0].ID != id(maxTraces+49) {
		t.Errorf("summaries: %d, first %s; want %d, newest first", len(sums), sums[0].ID, maxTraces)
	}
	for i := range maxSpansPerTrace + 10 {
		s, _ := parseSpan("orders", []byte(spanLine(traceA, fmt.Sprintf("%016x", i+1), "", "loop", 3, t0, 0, "Unset")))
		ts.add(s)
	}
	if tr, _ := ts.get(traceA); tr.TraceSummary.Spans != maxSpansPerTrace || len(tr.Spans) != maxSpansPerTrace || tr.Dropped != 10 {
		t.Errorf("a trace of %d spans: %d kept, %d dropped; want %d and 10", maxSpansPerTrace+10, tr.TraceSummary.Spans, tr.Dropped, maxSpansPerTrace)
	}
	// Many large traces: the oldest go until the spans in all fit.
	for i := range maxSpans/maxSpansPerTrace + 5 {
		for j := range maxSpansPerTrace {
			s, _ := parseSpan("orders", []byte(spanLine(id(1000+i), fmt.Sprintf("%016x", j+1), "", "loop", 3, t0, 0, "Unset")))
			ts.add(s)
		}
	}
	total := 0
	for _, tr := range ts.byID {
		total += len(tr.spans)
	}
	if total > maxSpans || total != ts.spans || ts.byID[id(1000+maxSpans/maxSpansPerTrace+4)] == nil {
		t.Errorf("%d spans kept (counted %d), want at most %d, the newest trace among them", total, ts.spans, maxSpans)
	}
	long := strings.Replace(spanLine(traceA, "00000000000000ff", "", "x", 2, t0, 0, "Unset"),
		`"Value":{"Type":"INT64","Value":200}`, `"Value":{"Type":"STRING","Value":"`+strings.Repeat("é", maxAttrLen)+`"}`, 1)
	s, ok := parseSpan("orders", []byte(long))
	if v, _ := s.Attributes["http.response.status_code"].(string); !ok || len(v) > maxAttrLen+len("…") || !strings.HasSuffix(v, "…") {
		t.Errorf("a %d-byte value kept as %d bytes", 2*maxAttrLen, len(v))
	}
}

// TestRunRefusesUnknownTracing: a LIFT_TRACING no function would accept
// stops lift dev before it synthesizes or starts anything.
func TestRunRefusesUnknownTracing(t *testing.T) {
	t.Setenv("LIFT_TRACING", "xray")
	app := t.TempDir()
	var out, errOut strings.Builder
	err := (&Dev{App: app, Stdout: &out, Stderr: &errOut}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), `LIFT_TRACING="xray"`) || !strings.Contains(err.Error(), `"stdout"`) {
		t.Fatalf("Run = %v, want a refusal naming LIFT_TRACING and the choices", err)
	}
	if errOut.Len() != 0 || out.Len() != 0 {
		t.Errorf("lift dev started work: %q %q", out.String(), errOut.String())
	}
	t.Setenv("LIFT_TRACING", "none")
	if err := checkTracing(); err != nil {
		t.Errorf("LIFT_TRACING=none: %v", err)
	}
}
