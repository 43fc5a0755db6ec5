package tracing_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
)

// TestHTTPEventIsOneChain: in Lambda, an HTTP event carries the caller's
// traceparent while Lambda passes an X-Ray header of another trace. The
// invocation span continues the traceparent and the request span is its
// child: one chain, not two.
func TestHTTPEventIsOneChain(t *testing.T) {
	const (
		callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		callerSpan  = "00f067aa0ba902b7"
		xrayHeader  = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	)
	exp := tracetest.NewInMemoryExporter()
	p := tracing.New(exp)
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	h, err := lift.NewHTTPHandler(mux)
	if err != nil {
		t.Fatal(err)
	}
	for _, fixture := range []string{"function-url.json", "apigateway-v1.json", "alb-multivalue.json"} {
		t.Run(fixture, func(t *testing.T) {
			exp.Reset()
			raw, err := os.ReadFile("../lift/testdata/http/" + fixture)
			if err != nil {
				t.Fatal(err)
			}
			header := `"traceparent": "00-` + callerTrace + `-` + callerSpan + `-01",`
			if strings.Contains(string(raw), `"multiValueHeaders"`) {
				header = `"traceparent": ["00-` + callerTrace + `-` + callerSpan + `-01"],`
				raw = []byte(strings.Replace(string(raw), `"multiValueHeaders": {`, `"multiValueHeaders": {`+header, 1))
			} else {
				raw = []byte(strings.Replace(string(raw), `"headers": {`, `"headers": {`+header, 1))
			}
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
			//lint:ignore SA1029 aws-lambda-go passes Lambda's X-Ray header under this plain string key
			ctx = context.WithValue(ctx, "x-amzn-trace-id", xrayHeader)
			if _, err := h.Invoke(ctx, raw); err != nil {
				t.Fatal(err)
			}
			if err := p.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			spans := exp.GetSpans()
			if len(spans) != 2 {
				t.Fatalf("spans = %v, want the invocation and its request", names(spans))
			}
			req, inv := spans[0], spans[1] // the request ends first
			if inv.SpanContext.TraceID().String() != callerTrace || inv.Parent.SpanID().String() != callerSpan || !inv.Parent.IsRemote() {
				t.Errorf("invocation span: trace %s parent %s; want the event's traceparent %s/%s (not X-Ray's)",
					inv.SpanContext.TraceID(), inv.Parent.SpanID(), callerTrace, callerSpan)
			}
			if req.SpanContext.TraceID() != inv.SpanContext.TraceID() || req.Parent.SpanID() != inv.SpanContext.SpanID() {
				t.Errorf("request span %s: trace %s parent %s; want the invocation span %s/%s as parent",
					req.Name, req.SpanContext.TraceID(), req.Parent.SpanID(), inv.SpanContext.TraceID(), inv.SpanContext.SpanID())
			}
		})
	}

	// Without a traceparent the X-Ray header names the parent, as before.
	exp.Reset()
	raw, err := os.ReadFile("../lift/testdata/http/function-url.json")
	if err != nil {
		t.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-2"})
	//lint:ignore SA1029 aws-lambda-go passes Lambda's X-Ray header under this plain string key
	ctx = context.WithValue(ctx, "x-amzn-trace-id", xrayHeader)
	if _, err := h.Invoke(ctx, raw); err != nil {
		t.Fatal(err)
	}
	_ = p.Flush(context.Background())
	spans := exp.GetSpans()
	if len(spans) != 2 || spans[1].SpanContext.TraceID().String() != "5759e988bd862e3fe1be46a994272793" ||
		spans[1].Parent.SpanID().String() != "53995c3f42cd8ad8" || spans[0].Parent.SpanID() != spans[1].SpanContext.SpanID() {
		t.Fatalf("with only X-Ray: %+v", spans)
	}
}
