package lift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// ErrNotHTTPEvent is returned (wrapped) by a Handler built with NewHTTPHandler
// for an invocation whose event is neither a control event nor an HTTP event
// (API Gateway REST or HTTP API, function URL, ALB target group).
var ErrNotHTTPEvent = errors.New("lift: the event is not an HTTP request")

// StartHTTP runs h, an ordinary net/http handler, as a Lambda function with
// every behaviour of Start: control events, cold start, warm-up and health,
// shutdown hooks, panic recovery, JSON logs and metrics. Each invocation's
// event (API Gateway REST v1, HTTP API v2, function URL, ALB target group) is
// detected from its bytes, translated to an *http.Request, and the answer is
// translated back to that event kind's response.
//
// Outside Lambda the same binary serves HTTP: in local mode (no
// AWS_LAMBDA_RUNTIME_API) requests to LIFT_LOCAL_ADDR reach h as they are,
// beside the RIE invocation path; with LIFT_MODE=server it runs as a plain
// http.Server with health at /healthz (see docs/runtime.md).
func StartHTTP(h http.Handler, opts ...Option) {
	handler, err := NewHTTPHandler(h, opts...)
	run(handler, err, true)
}

// NewHTTPHandler builds the Handler StartHTTP runs, for tests, benchmarks or
// a custom runtime loop. Its Invoke takes the raw event bytes.
func NewHTTPHandler(h http.Handler, opts ...Option) (*Handler, error) {
	return newHTTPHandler(h, os.Getenv, opts...)
}

func newHTTPHandler(h http.Handler, getenv func(string) string, opts ...Option) (*Handler, error) {
	if h == nil {
		return nil, fmt.Errorf("%w: lift.StartHTTP(nil): pass your http.Handler, for example an *http.ServeMux", ErrInvalidConfig)
	}
	a := &httpAdapter{next: h}
	handler, err := newHandler(a, getenv, opts...)
	if err != nil {
		return nil, err
	}
	a.h = handler
	handler.web = a
	return handler, nil
}

// EventKind names the kind of event an HTTP request arrived in.
type EventKind string

// Event kinds of RequestContext.Kind.
const (
	EventAPIGatewayV1 EventKind = "apigateway-v1" // API Gateway REST API (payload 1.0)
	EventAPIGatewayV2 EventKind = "apigateway-v2" // API Gateway HTTP API (payload 2.0)
	EventFunctionURL  EventKind = "function-url"  // Lambda function URL
	EventALB          EventKind = "alb"           // ALB target group
	EventDirect       EventKind = "direct"        // plain HTTP: local or server mode
)

// RequestContext is what the HTTP request's event said about it beyond the
// request itself. Exactly one of V1, V2 or ALB is set for an event from
// Lambda (V2 for function URLs too); none for EventDirect.
type RequestContext struct {
	Kind EventKind
	// RequestID is the Lambda request id (the same as lambdacontext's
	// AwsRequestID); in local and server modes, a fresh id per request.
	RequestID string
	// ColdStart reports whether this request is the process's cold start.
	ColdStart bool
	V1        *events.APIGatewayProxyRequestContext
	V2        *events.APIGatewayV2HTTPRequestContext
	ALB       *events.ELBContext
}

type requestContextKey struct{}

// RequestContextFrom returns the RequestContext of an HTTP request served by
// StartHTTP (from r.Context()), and false for any other context.
func RequestContextFrom(ctx context.Context) (*RequestContext, bool) {
	rc, ok := ctx.Value(requestContextKey{}).(*RequestContext)
	return rc, ok
}

// Claim returns a claim of the request's authorizer: a JWT authorizer's
// claims (HTTP API), a Cognito or Lambda authorizer's claims or context
// (REST API), or a Lambda authorizer's context (HTTP API). Only string,
// number and boolean values are returned, as text.
func (rc *RequestContext) Claim(name string) (string, bool) {
	switch {
	case rc == nil:
	case rc.V2 != nil && rc.V2.Authorizer != nil:
		if jwt := rc.V2.Authorizer.JWT; jwt != nil {
			if v, ok := jwt.Claims[name]; ok {
				return v, true
			}
		}
		return scalar(rc.V2.Authorizer.Lambda[name])
	case rc.V1 != nil:
		if claims, ok := rc.V1.Authorizer["claims"].(map[string]any); ok {
			if v, ok := scalar(claims[name]); ok {
				return v, true
			}
		}
		return scalar(rc.V1.Authorizer[name])
	}
	return "", false
}

func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64, bool, json.Number:
		return fmt.Sprint(v), true
	}
	return "", false
}

func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
