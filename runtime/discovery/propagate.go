package discovery

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/span"
)

// Propagation names. HTTP targets get the headers; Lambda targets get the
// ClientContext custom keys (and the trace header on the Invoke request).
const (
	HeaderRequestID = "X-Lift-Request-Id"
	HeaderTraceID   = "X-Amzn-Trace-Id"
	// ClientContextRequestID is the caller's Lambda request id in ClientContext.Custom.
	ClientContextRequestID = "lift-request-id"
	// ClientContextTraceID is the caller's trace header in ClientContext.Custom.
	ClientContextTraceID = "x-amzn-trace-id"
)

// traceContextKey is the key aws-lambda-go stores the invocation's trace header
// under (a plain string key: that is the library's contract).
const traceContextKey = "x-amzn-trace-id"

// propagation returns the caller's request id and trace header. The trace comes
// from the invocation context first: _X_AMZN_TRACE_ID is process-wide and
// concurrent invocations overwrite it.
func propagation(ctx context.Context) (requestID, trace string) {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	if v, ok := ctx.Value(traceContextKey).(string); ok && v != "" {
		trace = v
	} else {
		trace = os.Getenv("_X_AMZN_TRACE_ID")
	}
	return requestID, trace
}

// spanPropagation returns, with tracing on, the traceparent of ctx's span
// (the call's) and the X-Ray header naming it, in place of trace.
func spanPropagation(ctx context.Context, trace string) (traceparent, xray string) {
	if !span.Enabled() {
		return "", trace
	}
	return injectSpan(ctx, trace)
}

// injectSpan is spanPropagation's work, apart so that its closure costs
// nothing when tracing is off.
func injectSpan(ctx context.Context, trace string) (traceparent, xray string) {
	xray = trace
	span.Inject(ctx, func(key, value string) {
		switch strings.ToLower(key) {
		case contract.ClientContextTraceparent:
			traceparent = value
		case traceContextKey:
			xray = value
		}
	})
	return traceparent, xray
}

// clientContext encodes the propagation values as a Lambda ClientContext
// (base64 JSON, at most 3583 bytes; ids are far shorter).
func clientContext(requestID, trace, traceparent string) *string {
	if requestID == "" && trace == "" && traceparent == "" {
		return nil
	}
	custom := map[string]string{}
	if requestID != "" {
		custom[ClientContextRequestID] = requestID
	}
	if trace != "" {
		custom[ClientContextTraceID] = trace
	}
	if traceparent != "" {
		custom[contract.ClientContextTraceparent] = traceparent
	}
	b, err := json.Marshal(struct {
		Custom map[string]string `json:"custom"`
	}{custom})
	if err != nil || base64.StdEncoding.EncodedLen(len(b)) > 3583 {
		return nil
	}
	s := base64.StdEncoding.EncodeToString(b)
	return &s
}

// CallerRequestID returns the request id of the Lift service that invoked this
// Lambda function through a discovery Client, or "".
func CallerRequestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.ClientContext.Custom[ClientContextRequestID]
	}
	return ""
}
