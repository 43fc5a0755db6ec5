package dev

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Bounds of the traces kept in memory: the newest traces win, and a trace
// keeps its first spans (a loop calling a cache a million times must not
// grow lift dev without end); attribute values and errors are cut.
const (
	maxTraces        = 200
	maxSpansPerTrace = 500
	maxSpans         = 10_000 // in all traces: the oldest traces go first
	maxSpanAttrs     = 32
	maxAttrLen       = 256
	maxErrorLen      = 1024
)

// Span is one span a function recorded, as the Traces view shows it.
type Span struct {
	TraceID    string         `json:"traceId"`
	SpanID     string         `json:"spanId"`
	ParentID   string         `json:"parentId,omitempty"`
	Service    string         `json:"service"` // the lift dev service whose output carried it
	Name       string         `json:"name"`
	Kind       string         `json:"kind"` // server, client, internal, producer, consumer
	Start      time.Time      `json:"start"`
	DurationMs float64        `json:"durationMs"`
	Error      string         `json:"error,omitempty"` // the span's error status or recorded exception
	Depth      int            `json:"depth"`           // levels under the trace's root, in a Trace's tree order
	Attributes map[string]any `json:"attributes,omitempty"`
}

// TraceSummary is one request in the Traces list.
type TraceSummary struct {
	ID         string    `json:"id"`
	Seq        int64     `json:"seq"` // raised whenever a span joins, so a view knows to refresh
	Root       string    `json:"root"`
	Service    string    `json:"service"`
	Services   []string  `json:"services"`
	Status     string    `json:"status"`               // ok or error
	HTTPStatus int64     `json:"httpStatus,omitempty"` // the root's http.response.status_code
	Start      time.Time `json:"start"`
	DurationMs float64   `json:"durationMs"`
	Spans      int       `json:"spanCount"`
	Dropped    int       `json:"droppedSpans,omitempty"` // spans over maxSpansPerTrace, not kept
}

// Trace is a trace with its spans, parents before children.
type Trace struct {
	TraceSummary
	Spans []Span `json:"spans"`
}

// stdoutSpan is the part of a line of runtime/tracing's stdout exporter
// (LIFT_TRACING=stdout, OpenTelemetry's span stub as JSON) that is read.
type stdoutSpan struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ SpanID string }
	SpanKind    int
	StartTime   time.Time
	EndTime     time.Time
	Attributes  []stdoutAttr
	Events      []struct {
		Name       string
		Attributes []stdoutAttr
	}
	Status struct{ Code, Description string }
}

type stdoutAttr struct {
	Key   string
	Value struct{ Value any }
}

var spanKinds = []string{"unspecified", "internal", "server", "client", "producer", "consumer"}

// parseSpan reads a span line; ok is false for any other line, including a
// span line cut short or with invalid ids (it then goes to the log view).
func parseSpan(service string, line []byte) (Span, bool) {
	if !bytes.Contains(line, []byte(`"SpanContext"`)) {
		return Span{}, false
	}
	var in stdoutSpan
	if json.Unmarshal(line, &in) != nil || !validID(in.SpanContext.TraceID, 32) || !validID(in.SpanContext.SpanID, 16) {
		return Span{}, false
	}
	s := Span{TraceID: in.SpanContext.TraceID, SpanID: in.SpanContext.SpanID, Service: service, Name: in.Name,
		Kind: "unspecified", Start: in.StartTime}
	if validID(in.Parent.SpanID, 16) {
		s.ParentID = in.Parent.SpanID
	}
	if in.SpanKind >= 0 && in.SpanKind < len(spanKinds) {
		s.Kind = spanKinds[in.SpanKind]
	}
	if d := in.EndTime.Sub(in.StartTime); d > 0 && !in.StartTime.IsZero() {
		s.DurationMs = float64(d.Microseconds()) / 1000
	}
	for _, a := range in.Attributes {
		if len(s.Attributes) == maxSpanAttrs {
			break
		}
		if s.Attributes == nil {
			s.Attributes = map[string]any{}
		}
		s.Attributes[a.Key] = clip(a.Value.Value, maxAttrLen)
	}
	if in.Status.Code == "Error" {
		s.Error = clipString(in.Status.Description, maxErrorLen)
		if s.Error == "" {
			s.Error = "error"
		}
	}
	for _, e := range in.Events {
		if e.Name != "exception" || s.Error != "" && s.Error != "error" {
			continue
		}
		for _, a := range e.Attributes {
			if msg, ok := a.Value.Value.(string); ok && a.Key == "exception.message" {
				s.Error = clipString(msg, maxErrorLen)
			}
		}
	}
	return s, true
}

// validID reports whether id is n lowercase hex digits, not all zero.
func validID(id string, n int) bool {
	if len(id) != n || strings.Trim(id, "0") == "" {
		return false
	}
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func clip(v any, n int) any {
	switch x := v.(type) {
	case string:
		return clipString(x, n)
	case []any: // an array attribute: its first values, each cut
		out := make([]any, min(len(x), maxSpanAttrs))
		for i := range out {
			out[i] = clip(x[i], n)
		}
		return out
	}
	return v
}

func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// traces joins the spans of every service by trace id and keeps the newest
// traces within maxTraces and maxSpans. Not safe for concurrent use: the hub's lock guards it.
type traces struct {
	byID  map[string]*trace
	order []string // trace ids, oldest first
	spans int      // in all traces
	seq   int64
}

type trace struct {
	seq     int64
	spans   []Span
	dropped int
}

func newTraces() *traces { return &traces{byID: map[string]*trace{}} }

// add joins s to its trace, in whatever order spans arrive (a callee's spans
// are written before its caller's, a child's before its parent's).
func (ts *traces) add(s Span) {
	t := ts.byID[s.TraceID]
	if t == nil {
		t = &trace{}
		ts.byID[s.TraceID] = t
		ts.order = append(ts.order, s.TraceID)
	}
	ts.seq++
	t.seq = ts.seq
	if slices.ContainsFunc(t.spans, func(x Span) bool { return x.SpanID == s.SpanID }) {
		return // the same line read twice
	}
	if len(t.spans) >= maxSpansPerTrace {
		t.dropped++
		return
	}
	t.spans = append(t.spans, s)
	ts.spans++
	for len(ts.order) > 1 && (len(ts.order) > maxTraces || ts.spans > maxSpans) {
		ts.spans -= len(ts.byID[ts.order[0]].spans)
		delete(ts.byID, ts.order[0])
		ts.order = slices.Delete(ts.order, 0, 1)
	}
}

// summaries returns the traces changed after seq, newest first.
func (ts *traces) summaries(afterSeq int64) []TraceSummary {
	out := []TraceSummary{} // [] in JSON, not null, when there are none
	for i := len(ts.order) - 1; i >= 0; i-- {
		id := ts.order[i]
		if t := ts.byID[id]; t.seq > afterSeq {
			out = append(out, t.summary(id))
		}
	}
	return out
}

// get returns one trace with its spans in tree order, or false.
func (ts *traces) get(id string) (Trace, bool) {
	t := ts.byID[id]
	if t == nil {
		return Trace{}, false
	}
	return Trace{TraceSummary: t.summary(id), Spans: treeOrder(t.spans)}, true
}

func (t *trace) summary(id string) TraceSummary {
	sum := TraceSummary{ID: id, Seq: t.seq, Spans: len(t.spans), Dropped: t.dropped, Status: "ok"}
	var end time.Time
	var root *Span
	ids := make(map[string]bool, len(t.spans))
	for _, s := range t.spans {
		ids[s.SpanID] = true
	}
	for i := range t.spans {
		s := &t.spans[i]
		if sum.Start.IsZero() || s.Start.Before(sum.Start) {
			sum.Start = s.Start
		}
		if e := s.Start.Add(time.Duration(s.DurationMs * float64(time.Millisecond))); e.After(end) {
			end = e
		}
		if s.Error != "" {
			sum.Status = "error"
		}
		if !slices.Contains(sum.Services, s.Service) {
			sum.Services = append(sum.Services, s.Service)
		}
		if !ids[s.ParentID] && (root == nil || s.Start.Before(root.Start)) {
			root = s // the earliest span whose parent is not here (it may be in another process, or an X-Ray segment)
		}
	}
	if root != nil {
		sum.Root, sum.Service = root.Name, root.Service
		if code, ok := root.Attributes["http.response.status_code"].(float64); ok {
			sum.HTTPStatus = int64(code)
		}
	}
	if end.After(sum.Start) {
		sum.DurationMs = float64(end.Sub(sum.Start).Microseconds()) / 1000
	}
	return sum
}

// treeOrder sorts spans parents first, each span's children by start time,
// so a waterfall reads top to bottom; spans whose parent is missing are
// roots.
func treeOrder(spans []Span) []Span {
	sorted := slices.Clone(spans)
	slices.SortStableFunc(sorted, func(a, b Span) int { return a.Start.Compare(b.Start) })
	ids := map[string]bool{}
	for _, s := range sorted {
		ids[s.SpanID] = true
	}
	children := map[string][]Span{}
	var roots []Span
	for _, s := range sorted {
		if s.ParentID != "" && ids[s.ParentID] && s.ParentID != s.SpanID {
			children[s.ParentID] = append(children[s.ParentID], s)
		} else {
			roots = append(roots, s)
		}
	}
	out := make([]Span, 0, len(spans))
	seen := map[string]bool{}
	var walk func(s Span, depth int)
	walk = func(s Span, depth int) {
		if seen[s.SpanID] { // a cycle in bad input: show each span once
			return
		}
		seen[s.SpanID] = true
		s.Depth = depth
		out = append(out, s)
		for _, c := range children[s.SpanID] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	for _, s := range sorted { // spans only reachable through a cycle
		if !seen[s.SpanID] {
			walk(s, 0)
		}
	}
	return out
}
