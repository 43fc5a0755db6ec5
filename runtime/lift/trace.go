package lift

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/httprec"
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
// Why traceparent before X-Ray: the X-Ray header Lambda passes names its own
// segment (API Gateway's when it traces), never the caller's span. A caller
// that sends traceparent (another OpenTelemetry service, a browser, a Lift
// service) asked for its trace to continue here; following X-Ray would cut
// it off. With both present, the X-Ray segment of Lambda's service stays a
// trace of its own.
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
	r, sp := startRequestSpanOnly(r)
	sw := &httprec.Recorder{ResponseWriter: w}
	return sw, r, func() { endRequestSpan(sp, r, sw.Status, sw.Bytes, nil) }
}

// startRequestSpanOnly is startRequestSpan for a writer that counts its own
// status and bytes (a stream, whose writer must stay an http.Flusher).
func startRequestSpanOnly(r *http.Request) (*http.Request, span.Span) {
	ctx := r.Context()
	if traceID, _ := span.IDs(ctx); traceID == "" {
		ctx = span.Extract(ctx, r.Header.Get)
	}
	ctx, sp := span.Start(ctx, "HTTP "+r.Method, span.Server)
	sp.SetString("http.request.method", r.Method)
	return r.WithContext(ctx), sp
}

// endRequestSpan records the route pattern the mux matched, the status and
// the body's size, and ends sp; err is a stream cut short.
func endRequestSpan(sp span.Span, r *http.Request, status int, bytes int64, err error) {
	if !sp.Recording() {
		return
	}
	if r.Pattern != "" {
		sp.SetString("http.route", r.Pattern)
	}
	if status == 0 {
		status = http.StatusOK
	}
	sp.SetInt("http.response.status_code", int64(status))
	sp.SetInt("http.response.body.size", bytes)
	sp.End(err)
}

// handSpanToStream leaves the invocation span sp open when the invocation
// answered with a stream, for the stream's end to end it; it reports whether
// it did.
func handSpanToStream(ctx context.Context, sp span.Span, err error) bool {
	box, ok := ctx.Value(streamBoxKey{}).(*streamBox)
	if !ok || box.r == nil || err != nil {
		return false
	}
	box.endSpan = sp.End
	return true
}

// spanEndingStream is a streamed answer that ends the invocation span when
// the runtime loop has read it to its end (or met its error), or closes it
// first. aws-lambda-go closes the answer after sending it, so the span ends.
type spanEndingStream struct {
	contentTyped
	end  func(error)
	once sync.Once
}

// errStreamCut is the span error of a stream closed before its end.
var errStreamCut = errors.New("lift: the stream was closed before its end")

func (s *spanEndingStream) Read(p []byte) (int, error) {
	n, err := s.contentTyped.Read(p)
	if err != nil {
		s.finish(err)
	}
	return n, err
}

func (s *spanEndingStream) Close() error {
	s.finish(errStreamCut)
	if c, ok := s.contentTyped.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (s *spanEndingStream) finish(err error) {
	s.once.Do(func() {
		if err == io.EOF {
			err = nil
		}
		s.end(err)
	})
}

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
