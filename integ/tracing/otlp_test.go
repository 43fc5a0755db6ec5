package tracing

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/liftcdk/lift/internal/contract"
)

// otlpReceiver is a collector's OTLP/HTTP traces endpoint: it decodes each
// export (protobuf) and keeps the spans by service.name.
type otlpReceiver struct {
	mu     sync.Mutex
	spans  map[string][]stdoutSpan
	errors []string
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	// An ExportTraceServiceRequest has the wire form of TracesData (field 1,
	// resource_spans), which spares the test the collector's gRPC package.
	var req tracepb.TracesData
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf":
		o.fail(r.Method + " " + r.URL.Path + " " + r.Header.Get("Content-Type") + ": not an OTLP/HTTP protobuf traces export")
		http.Error(w, "not an OTLP traces export", http.StatusNotFound)
		return
	case err != nil:
		o.fail(err.Error())
		return
	}
	if err := proto.Unmarshal(body, &req); err != nil {
		o.fail("decode: " + err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		svc := attrValue(rs.GetResource().GetAttributes(), "service.name")
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				o.spans[svc.(string)] = append(o.spans[svc.(string)], fromOTLP(s))
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK) // an empty ExportTraceServiceResponse: all accepted
}

func (o *otlpReceiver) fail(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, msg)
}

func (o *otlpReceiver) of(svc string) func() []stdoutSpan {
	return func() []stdoutSpan {
		o.mu.Lock()
		defer o.mu.Unlock()
		return append([]stdoutSpan(nil), o.spans[svc]...)
	}
}

// fromOTLP puts an OTLP span in the shape the stdout exporter writes.
func fromOTLP(s *tracepb.Span) stdoutSpan {
	var out stdoutSpan
	out.Name = s.Name
	out.SpanContext.TraceID, out.SpanContext.SpanID = hex.EncodeToString(s.TraceId), hex.EncodeToString(s.SpanId)
	out.Parent.SpanID = "0000000000000000"
	if len(s.ParentSpanId) > 0 {
		out.Parent.TraceID, out.Parent.SpanID = out.SpanContext.TraceID, hex.EncodeToString(s.ParentSpanId)
	}
	out.Parent.Remote = s.Flags&uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK) != 0
	for _, kv := range s.Attributes {
		a := struct {
			Key   string
			Value struct{ Value any }
		}{Key: kv.Key}
		a.Value.Value = anyValue(kv.Value)
		out.Attributes = append(out.Attributes, a)
	}
	return out
}

func attrValue(kvs []*commonpb.KeyValue, key string) any {
	for _, kv := range kvs {
		if kv.Key == key {
			return anyValue(kv.Value)
		}
	}
	return ""
}

// anyValue is v as encoding/json decodes the stdout exporter's value.
func anyValue(v *commonpb.AnyValue) any {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return x.BoolValue
	case *commonpb.AnyValue_IntValue:
		return float64(x.IntValue)
	case *commonpb.AnyValue_DoubleValue:
		return x.DoubleValue
	}
	return nil
}

// TestOneTraceOverOTLP: both services export with LIFT_TRACING=otlp (the
// handlers pass otlptracing.Backend()) to an OTLP/HTTP receiver named by
// OTEL_EXPORTER_OTLP_ENDPOINT, as to a collector; the spans arrive there as
// one trace with the right parents.
func TestOneTraceOverOTLP(t *testing.T) {
	recv := &otlpReceiver{spans: map[string][]stdoutSpan{}}
	collector := httptest.NewServer(recv)
	t.Cleanup(collector.Close)
	callerOut, calleeOut := runLocalPair(t, contract.EnvTracing+"="+contract.TracingOTLP, "OTEL_EXPORTER_OTLP_ENDPOINT="+collector.URL)
	assertOneTrace(t, service{out: callerOut.String, spans: recv.of("caller")}, service{out: calleeOut.String, spans: recv.of("callee")})
	if spans, _ := lines(callerOut.String() + calleeOut.String()); len(spans) != 0 {
		t.Errorf("with LIFT_TRACING=otlp, %d spans went to stdout too", len(spans))
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.errors) != 0 {
		t.Errorf("the receiver refused exports: %v", recv.errors)
	}
}
