package lift

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/liftcdk/lift/runtime/tracing"
)

// TestStreamSpansLastUntilTheStreamEnds: with WithResponseStreaming, the
// request span and the invocation span are still open while the handler
// streams, and end, with the status and the bytes sent, once the runtime
// loop has read the stream's end.
func TestStreamSpansLastUntilTheStreamEnds(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := tracing.New(exp)
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		_, _ = io.WriteString(w, "second\n")
	})
	te := newHTTPTest(t, mux, WithResponseStreaming())
	br := bufio.NewReader(loopInvoke(t, te.h, fixture(t, "function-url.json")))
	readPrelude(t, br)
	if line, err := br.ReadString('\n'); line != "first\n" || err != nil {
		t.Fatalf("first chunk %q %v", line, err)
	}
	_ = p.Flush(context.Background())
	if spans := exp.GetSpans(); len(spans) != 0 {
		t.Fatalf("spans ended while the handler still streams: %v", spanNames(spans))
	}
	close(release)
	if rest, err := io.ReadAll(br); string(rest) != "second\n" || err != nil {
		t.Fatalf("rest %q %v", rest, err)
	}
	_ = p.Flush(context.Background())
	spans := exp.GetSpans()
	if len(spans) != 2 || spans[0].Name != "HTTP GET" || spans[1].Name != "invocation" {
		t.Fatalf("spans = %v, want HTTP GET then invocation", spanNames(spans))
	}
	req, inv := spans[0], spans[1]
	if req.Parent.SpanID() != inv.SpanContext.SpanID() {
		t.Errorf("the request span's parent is %s, want the invocation span %s", req.Parent.SpanID(), inv.SpanContext.SpanID())
	}
	attrs := map[string]any{}
	for _, a := range req.Attributes {
		attrs[string(a.Key)] = a.Value.AsInterface()
	}
	if attrs["http.response.status_code"] != int64(202) || attrs["http.response.body.size"] != int64(13) || attrs["http.route"] != "GET /items/{id}" {
		t.Errorf("request span attributes %v", attrs)
	}
	if inv.EndTime.Before(req.EndTime) {
		t.Errorf("the invocation span ended (%v) before its streamed request (%v)", inv.EndTime, req.EndTime)
	}
}

// TestStreamCutMidwayFailsBothSpans: a handler that panics mid-stream cuts
// the stream; both spans end, marked failed.
func TestStreamCutMidwayFailsBothSpans(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := tracing.New(exp)
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	te := newHTTPTest(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("broken")
	}), WithResponseStreaming())
	_, _ = io.ReadAll(loopInvoke(t, te.h, fixture(t, "function-url.json")))
	_ = p.Flush(context.Background())
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("spans = %v, want the request and the invocation", spanNames(spans))
	}
	for _, s := range spans {
		if s.Status.Code.String() != "Error" || !strings.Contains(s.Status.Description, "mid-stream") {
			t.Errorf("span %s: status %v %q, want an error naming the cut stream", s.Name, s.Status.Code, s.Status.Description)
		}
	}
}

func spanNames(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}
