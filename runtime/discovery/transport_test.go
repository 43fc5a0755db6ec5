package discovery

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
)

const (
	testRequestID = "c6af9ac6-7b61-11e6-9a41-93e812345678"
	testTrace     = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
)

// invocationContext is what aws-lambda-go hands a handler.
func invocationContext() context.Context {
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: testRequestID})
	//lint:ignore SA1029 aws-lambda-go stores the trace header under this plain string key; the test does as it does
	return context.WithValue(ctx, traceContextKey, testTrace)
}

type recorded struct {
	mu      sync.Mutex
	headers []http.Header
	bodies  []string
}

func (r *recorded) add(req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	r.bodies = append(r.bodies, string(b))
	r.mu.Unlock()
}

func httpInstance(id, url string) types.HttpInstanceSummary {
	return types.HttpInstanceSummary{InstanceId: aws.String(id), HealthStatus: types.HealthStatusHealthy, Attributes: map[string]string{
		contract.AttrProtocol: contract.ProtocolHTTP, contract.AttrURL: url,
	}}
}

func newHTTPClient(t *testing.T, urls ...string) (*Client, *metricSink) {
	t.Helper()
	cm := newFakeCloudMap()
	var ins []types.HttpInstanceSummary
	for i, u := range urls {
		ins = append(ins, httpInstance(string(rune('a'+i)), u))
	}
	cm.set("web", ins...)
	sink := newMetricSink()
	opts := []Option{WithMetrics(sink.w), WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: 1, MaxDelay: 1})} // 1ns: no backoff
	return mustClient(t, mustResolver(t, cm, opts...), opts...), sink
}

func TestHTTPTargetPropagatesAndClassifies(t *testing.T) {
	var rec recorded
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c, sink := newHTTPClient(t, srv.URL+"/invoke")

	out, err := c.Invoke(invocationContext(), "web", []byte(`{"q":1}`), WithHeader("X-Tenant", "t1"))
	if err != nil || string(out) != `{"ok":true}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	h := rec.headers[0]
	if h.Get(HeaderRequestID) != testRequestID || h.Get(HeaderTraceID) != testTrace || h.Get("X-Tenant") != "t1" {
		t.Fatalf("propagated headers = %v", h)
	}
	if rec.bodies[0] != `{"q":1}` {
		t.Fatalf("body = %s", rec.bodies[0])
	}

	// 4xx: the instance works, the request is wrong: no retry, breaker untouched.
	status = http.StatusBadRequest
	for range 10 {
		_, err = c.Invoke(context.Background(), "web", nil, Idempotent())
	}
	var re *RemoteError
	if !errors.As(err, &re) || re.StatusCode != 400 || !errors.Is(err, ErrHTTPStatus) {
		t.Fatalf("4xx error = %v, want a RemoteError with status 400", err)
	}
	if st, _ := c.BreakerState("web", "a"); st != BreakerClosed || len(rec.headers) != 11 {
		t.Fatalf("after ten 400s: breaker %v, requests %d; want closed and 11 (no retries)", st, len(rec.headers))
	}

	// 5xx on an idempotent call: retried, counted, and eventually trips the breaker.
	status = http.StatusBadGateway
	_, err = c.Invoke(context.Background(), "web", nil, Idempotent())
	if !errors.Is(err, ErrHTTPStatus) || len(rec.headers) != 14 {
		t.Fatalf("5xx: %v after %d requests, want 3 attempts", err, len(rec.headers)-11)
	}
	if m := sink.values(t, "web"); m[contract.MetricDiscoveryRetries] != 2 || m[contract.MetricDiscoveryErrors] != 11 {
		t.Fatalf("metrics = %v", m)
	}
}

func TestHTTPTransportErrorIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer good.Close()
	c, _ := newHTTPClient(t, url, good.URL)
	if out, err := c.Invoke(context.Background(), "web", nil, Idempotent()); err != nil || string(out) != "ok" {
		t.Fatalf("Invoke = %q, %v; want the retry to reach the live instance", out, err)
	}
}

// The real SDK against a local Lambda API: trace header, client context and
// X-Amz-Function-Error.
func TestLambdaTargetThroughSDK(t *testing.T) {
	var rec recorded
	functionErr := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Path != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aa%3Alive/invocations" &&
			r.URL.RawPath != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aa%3Alive/invocations" {
			t.Errorf("path = %s (raw %s)", r.URL.Path, r.URL.RawPath)
		}
		if functionErr != "" {
			w.Header().Set("X-Amz-Function-Error", functionErr)
		}
		_, _ = w.Write([]byte(`{"answer":42}`))
	}))
	defer srv.Close()
	lc := lambda.New(lambda.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	})
	cm := newFakeCloudMap()
	cm.set("orders", lambdaInstance("a", 1))
	sink := newMetricSink()
	opts := []Option{WithMetrics(sink.w), WithLambdaClient(lc)}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)

	out, err := c.Invoke(invocationContext(), "orders", []byte(`{"q":1}`))
	if err != nil || string(out) != `{"answer":42}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	h := rec.headers[0]
	if got := h.Get("X-Amzn-Trace-Id"); got != testTrace {
		t.Errorf("X-Amzn-Trace-Id = %q, want %q", got, testTrace)
	}
	raw, err := base64.StdEncoding.DecodeString(h.Get("X-Amz-Client-Context"))
	if err != nil {
		t.Fatalf("client context: %v", err)
	}
	var cc lambdacontext.ClientContext
	if err := json.Unmarshal(raw, &cc); err != nil || cc.Custom[ClientContextRequestID] != testRequestID || cc.Custom[ClientContextTraceID] != testTrace {
		t.Fatalf("client context = %s (%v)", raw, err)
	}
	// The receiving side reads it back.
	callee := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{ClientContext: cc})
	if got := CallerRequestID(callee); got != testRequestID {
		t.Errorf("CallerRequestID = %q", got)
	}

	functionErr = "Unhandled"
	_, err = c.Invoke(context.Background(), "orders", nil)
	var re *RemoteError
	if !errors.As(err, &re) || re.FunctionError != "Unhandled" || string(re.Body) != `{"answer":42}` {
		t.Fatalf("function error = %v, want a RemoteError with the payload", err)
	}
}

func TestTraceFallsBackToEnvironment(t *testing.T) {
	t.Setenv("_X_AMZN_TRACE_ID", "Root=1-env")
	if _, trace := propagation(context.Background()); trace != "Root=1-env" {
		t.Fatalf("trace = %q", trace)
	}
	if _, trace := propagation(invocationContext()); trace != testTrace {
		t.Fatalf("context trace must win over the process-wide variable: %q", trace)
	}
}
