package localsvc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// LambdaRoutes maps what a caller names in an Invoke call — a function name or
// an ARN, qualified (":live") or not, exactly as the caller sends it with its
// Qualifier appended — to the invocation URLs of the RIE instances serving it.
// Several URLs are several execution environments of one function.
type LambdaRoutes map[string][]string

// Invocation is one Invoke call the router answered.
type Invocation struct {
	// Function is the name as the caller sent it, with ":Qualifier" appended
	// when the Qualifier query parameter was used.
	Function string
	// Instance is the index in the route's URLs of the RIE instance that ran
	// it; -1 when none did (unknown function, throttled, bad request).
	Instance int
	// Status is the HTTP status the router answered; ErrorType is Lambda's
	// X-Amzn-ErrorType for a router error ("" when the RIE answered).
	Status    int
	ErrorType string
	// Payload and Response are the request and response bodies.
	Payload, Response []byte
}

// LambdaRouter plays the Lambda Invoke API on 127.0.0.1: it answers
// POST /2015-03-31/functions/{name}/invocations by running the invocation on
// an idle RIE instance of the named function. Point an SDK at it with
// AWS_ENDPOINT_URL_LAMBDA=URL.
//
// RIE runs one invocation at a time and only answers the function name
// "function", so the router does what Lambda does around environments: it
// picks an idle instance (the first, in route order), and when every instance
// is busy it throttles (429 TooManyRequestsException), as Lambda does at a
// function's concurrency limit. Errors are shaped like Lambda's (status,
// X-Amzn-ErrorType, JSON body), so SDK callers see the typed errors they
// would in AWS, and a handler's error or a runtime that exited is a 200 with
// X-Amz-Function-Error: Unhandled, as Lambda answers (RIE sets no such header).
// With LogType Tail, the answer carries the invocation's log lines in
// X-Amz-Log-Result, as Lambda's does, when the instance logs to a file. A
// DryRun invocation answers 204 for a routed function (running nothing) and
// ResourceNotFoundException for another.
type LambdaRouter struct {
	URL string // http://127.0.0.1:PORT, once Listen has run

	opts   LambdaRouterOptions
	client *http.Client
	srv    *http.Server
	mu     sync.Mutex
	routes map[string]*route
	calls  []Invocation
	other  []string // requests that were not an Invoke call
}

// LambdaRouterOptions configures a LambdaRouter beyond its routes.
type LambdaRouterOptions struct {
	// LogFiles maps an RIE invocation URL to the file its output goes to
	// (RIEOptions.LogFile), for LogType Tail.
	LogFiles map[string]string
	// Fallback serves every request that is not an Invoke call (moto's
	// endpoint, say); nil answers UnknownOperationException.
	Fallback http.Handler
}

type route struct {
	urls []string
	busy []bool
}

const (
	invokePath   = "/2015-03-31/functions/"
	invokeSuffix = "/invocations"
	// maxRecorded bounds the calls a long-running router remembers.
	maxRecorded = 10000
)

// NewLambdaRouter returns a router for routes; Listen serves it.
func NewLambdaRouter(routes LambdaRoutes, opts LambdaRouterOptions) (*LambdaRouter, error) {
	r := &LambdaRouter{opts: opts, client: &http.Client{}, routes: map[string]*route{}}
	for name, urls := range routes {
		if name == "" || len(urls) == 0 {
			return nil, fmt.Errorf("lambda router: route %q -> %v: want a function name or ARN and at least one RIE URL", name, urls)
		}
		r.routes[name] = &route{urls: append([]string(nil), urls...), busy: make([]bool, len(urls))}
	}
	return r, nil
}

// Listen serves the router on addr (a loopback host:port; port 0 picks a
// free one) until Close.
func (r *LambdaRouter) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("lambda router: listen on %s: %w", addr, err)
	}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	r.URL = "http://" + ln.Addr().String()
	return nil
}

// Close stops serving.
func (r *LambdaRouter) Close() error {
	if r.srv == nil {
		return nil
	}
	return r.srv.Close()
}

// Invocations returns every Invoke call answered so far, in arrival order.
func (r *LambdaRouter) Invocations() []Invocation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Invocation(nil), r.calls...)
}

// Asked returns the function of every Invoke call so far, in arrival order.
func (r *LambdaRouter) Asked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.calls))
	for i, c := range r.calls {
		out[i] = c.Function
	}
	return out
}

// Unrouted returns "METHOD URL" of every request that was not an Invoke call.
// Calls to unknown functions are Invocations with ResourceNotFoundException.
func (r *LambdaRouter) Unrouted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.other...)
}

func (r *LambdaRouter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	name, ok := invokedFunction(req)
	if !ok {
		r.mu.Lock()
		r.other = append(r.other, req.Method+" "+req.URL.String())
		r.mu.Unlock()
		if r.opts.Fallback != nil {
			r.opts.Fallback.ServeHTTP(w, req)
			return
		}
		lambdaError(w, http.StatusNotFound, "UnknownOperationException",
			"lambda router: only Invoke (POST "+invokePath+"{name}"+invokeSuffix+") is served")
		return
	}
	payload, err := io.ReadAll(req.Body)
	call := Invocation{Function: name, Instance: -1, Payload: payload}
	defer func() {
		r.mu.Lock()
		if len(r.calls) == maxRecorded {
			r.calls = r.calls[1:]
		}
		r.calls = append(r.calls, call)
		r.mu.Unlock()
	}()
	fail := func(status int, typ, msg string, extra ...string) {
		call.Status, call.ErrorType = status, typ
		call.Response = lambdaError(w, status, typ, msg, extra...)
	}
	if err != nil {
		fail(http.StatusBadRequest, "InvalidRequestContentException", "read payload: "+err.Error())
		return
	}
	switch typ := req.Header.Get("X-Amz-Invocation-Type"); typ {
	case "", "RequestResponse":
	case "DryRun": // Lambda's check that the function exists and may be invoked, running nothing
		r.mu.Lock()
		_, known := r.routes[name]
		r.mu.Unlock()
		if !known {
			fail(http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
			return
		}
		call.Status = http.StatusNoContent
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		fail(http.StatusBadRequest, "InvalidParameterValueException",
			"lambda router: invocation type "+typ+" is not emulated; only RequestResponse and DryRun")
		return
	}
	rt, i, known := r.acquire(name)
	switch {
	case !known:
		fail(http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
		return
	case i < 0:
		fail(http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded.",
			"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded")
		return
	}
	call.Instance = i
	tail := r.startTail(req, rt.urls[i])
	resp, err := r.post(req, rt.urls[i], payload)
	var out []byte
	if err == nil {
		out, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if tail != nil {
		w.Header().Set("X-Amz-Log-Result", tail.result())
	}
	r.release(rt, i)
	if err != nil {
		fail(http.StatusInternalServerError, "ServiceException",
			fmt.Sprintf("lambda router: RIE instance %d of %s (%s): %v", i, name, rt.urls[i], err))
		return
	}
	status := resp.StatusCode
	for k, vs := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	switch {
	case status/100 != 2:
		// RIE answers 502 when the runtime exits or fails its init; Lambda
		// answers 200 with a function error, which SDK callers check for.
		out = []byte(`{"errorType":"Runtime.ExitError","errorMessage":` +
			quote(fmt.Sprintf("RIE answered %d: %s", status, bytes.TrimSpace(out))) + `}`)
		status = http.StatusOK
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	case w.Header().Get("X-Amz-Function-Error") == "" && isRuntimeError(out):
		// RIE returns a handler's error as a 200 without the header Lambda sets.
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	w.Header().Set("X-Amz-Executed-Version", "1")
	w.WriteHeader(status)
	_, _ = w.Write(out)
	call.Status, call.Response = status, out
}

// forwardedHeaders are the Invoke API headers RIE reads as Lambda does: the
// caller's base64 ClientContext, which reaches the runtime as
// Lambda-Runtime-Client-Context, and its X-Ray header, passed through as
// Lambda-Runtime-Trace-Id. Without them a trace (runtime/tracing puts its
// traceparent in the ClientContext) stops at the first service.
var forwardedHeaders = []string{"X-Amz-Client-Context", "X-Amzn-Trace-Id"}

// post runs one invocation on the RIE instance at url, with the headers of
// the caller's Invoke call that RIE understands.
func (r *LambdaRouter) post(in *http.Request, url string, payload []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(in.Context(), http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for _, h := range forwardedHeaders {
		if v := in.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	return r.client.Do(req)
}

// isRuntimeError reports whether body is the error object a Lambda runtime
// posts for a failed invocation: errorMessage and errorType, optionally
// stackTrace, and nothing else.
func isRuntimeError(body []byte) bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return false
	}
	_, hasType := obj["errorType"]
	_, hasMsg := obj["errorMessage"]
	for k := range obj {
		if k != "errorType" && k != "errorMessage" && k != "stackTrace" {
			return false
		}
	}
	return hasType && hasMsg
}

// invokedFunction returns the function an Invoke call names, qualified by its
// Qualifier parameter, or false for any other request.
func invokedFunction(req *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(req.URL.EscapedPath(), invokePath)
	if !ok || req.Method != http.MethodPost {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, invokeSuffix)
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	name, err := url.PathUnescape(rest) // SDKs escape the ARN's colons
	if err != nil {
		return "", false
	}
	if q := req.URL.Query().Get("Qualifier"); q != "" {
		name += ":" + q
	}
	return name, true
}

// acquire marks the first idle instance of name busy: -1 when all are busy.
func (r *LambdaRouter) acquire(name string) (*route, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt, ok := r.routes[name]
	if !ok {
		return nil, -1, false
	}
	for i, busy := range rt.busy {
		if !busy {
			rt.busy[i] = true
			return rt, i, true
		}
	}
	return rt, -1, true
}

func (r *LambdaRouter) release(rt *route, i int) {
	r.mu.Lock()
	rt.busy[i] = false
	r.mu.Unlock()
}

// lambdaError writes an error as Lambda does (status, X-Amzn-ErrorType, a JSON
// body with Type and message) and returns the body. extra are further
// key/value string fields, such as Reason.
func lambdaError(w http.ResponseWriter, status int, typ, msg string, extra ...string) []byte {
	var b strings.Builder
	b.WriteString(`{"Type":"User","message":`)
	b.WriteString(quote(msg))
	for i := 0; i+1 < len(extra); i += 2 {
		b.WriteString(`,` + quote(extra[i]) + `:` + quote(extra[i+1]))
	}
	b.WriteString(`}`)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
	return []byte(b.String())
}

// quote is s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
