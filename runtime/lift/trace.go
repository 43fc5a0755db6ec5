package lift

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/span"
)

// Spans are recorded only when runtime/tracing installed a tracer: every
// function here starts with that check, so a handler without tracing pays a
// nil check per invocation and nothing else.

// traceHeaderKey is the plain string key aws-lambda-go stores the
// invocation's X-Ray header under (the library's contract).
const traceHeaderKey = "x-amzn-trace-id"

// startInvocationSpan starts the invocation's span. Its parent is the first
// W3C traceparent found: the calling Lift service's, in the ClientContext,
// else, for an HTTP handler, the HTTP event's traceparent header; else the
// X-Ray header Lambda passed. The front-door request span is always this
// span's child, so an invocation is one chain.
//
// Why traceparent before X-Ray: Lambda passes an X-Ray header on every
// invocation, active tracing or not, naming its own segment (API Gateway's
// when it traces), never the caller's span. A caller that sends traceparent
// (another OpenTelemetry service, a browser, a Lift service) asked for its
// trace to continue here; following X-Ray would cut it off. With both
// present, the X-Ray segment of Lambda's service stays a trace of its own.
func startInvocationSpan(ctx context.Context, cold bool, payload []byte, httpEvent bool) (context.Context, span.Span) {
	if !span.Enabled() {
		return ctx, span.Span{}
	}
	return startTracedInvocation(ctx, cold, payload, httpEvent)
}

// startTracedInvocation is startInvocationSpan's work, apart so that its
// closure does not move ctx to the heap when tracing is off.
func startTracedInvocation(ctx context.Context, cold bool, payload []byte, httpEvent bool) (context.Context, span.Span) {
	lc, _ := lambdacontext.FromContext(ctx)
	ctx = span.Extract(ctx, func(key string) string {
		switch strings.ToLower(key) {
		case contract.ClientContextTraceparent:
			if lc != nil {
				if tp := lc.ClientContext.Custom[contract.ClientContextTraceparent]; tp != "" {
					return tp
				}
			}
			if httpEvent {
				return eventTraceparent(payload)
			}
		case traceHeaderKey:
			v, _ := ctx.Value(traceHeaderKey).(string)
			return v
		}
		return ""
	})
	name := lambdacontext.FunctionName
	if name == "" {
		name = "invocation"
	}
	ctx, sp := span.Start(ctx, name, span.Server)
	sp.SetBool("faas.coldstart", cold)
	sp.SetString("faas.trigger", "other")
	if lambdacontext.FunctionName != "" {
		sp.SetString("faas.name", lambdacontext.FunctionName)
	}
	if lc != nil {
		sp.SetString("faas.invocation_id", lc.AwsRequestID)
		if lc.InvokedFunctionArn != "" {
			sp.SetString("cloud.resource_id", lc.InvokedFunctionArn)
		}
	}
	return ctx, sp
}

// traceLogAttrs returns the traceId and spanId of ctx's span, or nil.
func traceLogAttrs(ctx context.Context) []slog.Attr {
	if !span.Enabled() {
		return nil
	}
	traceID, spanID := span.IDs(ctx)
	if traceID == "" {
		return nil
	}
	return []slog.Attr{slog.String("traceId", traceID), slog.String("spanId", spanID)}
}

// eventTraceparent is the traceparent header of an HTTP event (headers, or
// multiValueHeaders in REST API and ALB events), or "". It decodes the event a
// second time, only when tracing is on.
func eventTraceparent(payload []byte) string {
	var ev struct {
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	}
	if json.Unmarshal(payload, &ev) != nil {
		return ""
	}
	for k, v := range ev.Headers {
		if strings.EqualFold(k, "traceparent") {
			return v
		}
	}
	for k, vs := range ev.MultiValueHeaders {
		if strings.EqualFold(k, "traceparent") && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// startRequestSpan starts the span of one front-door HTTP request: a child of
// the invocation span in Lambda (which took the request's traceparent), else
// (local and server modes) of the request's traceparent or X-Ray header. The
// returned writer records the status; end records the route pattern the mux
// matched.
func startRequestSpan(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, func()) {
	ctx := r.Context()
	if traceID, _ := span.IDs(ctx); traceID == "" {
		ctx = span.Extract(ctx, r.Header.Get)
	}
	ctx, sp := span.Start(ctx, "HTTP "+r.Method, span.Server)
	sw := &statusWriter{ResponseWriter: w}
	r = r.WithContext(ctx)
	sp.SetString("http.request.method", r.Method)
	return sw, r, func() {
		if r.Pattern != "" {
			sp.SetString("http.route", r.Pattern)
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		sp.SetInt("http.response.status_code", int64(status))
		sp.End(nil)
	}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// localInvocationContext adds what Lambda hands a function about its caller
// to a local-mode invocation: the X-Ray header and the ClientContext the
// Invoke API request carried.
func localInvocationContext(ctx context.Context, r *http.Request, lc *lambdacontext.LambdaContext) context.Context {
	if raw := r.Header.Get("X-Amz-Client-Context"); raw != "" {
		if b, err := base64.StdEncoding.DecodeString(raw); err == nil {
			_ = json.Unmarshal(b, &lc.ClientContext) // a malformed one is ignored, as Lambda would refuse it before the function
		}
	}
	if trace := r.Header.Get("X-Amzn-Trace-Id"); trace != "" {
		//lint:ignore SA1029 aws-lambda-go stores the trace header under this plain string key; local mode does as it does
		ctx = context.WithValue(ctx, traceHeaderKey, trace)
	}
	return ctx
}
