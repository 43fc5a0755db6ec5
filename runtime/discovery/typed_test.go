package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/runtime/lift"
)

type stockQuery struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type stockAnswer struct {
	SKU     string `json:"sku"`
	InStock int    `json:"inStock"`
}

// frontDoor answers like a lift.StartHTTP service: JSON on success, a
// problem (written by Lift's own ErrorHandler) on failure.
func frontDoor(t *testing.T, calls *int) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("POST /stock", lift.ErrorHandler(func(w http.ResponseWriter, r *http.Request) error {
		*calls++
		var q stockQuery
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			return lift.NewProblem(http.StatusBadRequest, "the body is not JSON")
		}
		switch {
		case q.Qty <= 0:
			p := lift.NewProblem(http.StatusUnprocessableEntity, "the query is invalid")
			p.Type = "https://example.com/problems/validation"
			p.Errors = []lift.ProblemError{{Detail: "must be at least 1", Pointer: "/qty"}}
			return p
		case q.SKU == "crash":
			return errors.New("internal detail that must not leak")
		case q.SKU == "garbled":
			_, _ = w.Write([]byte(`["not","an","answer"]`))
			return nil
		}
		return json.NewEncoder(w).Encode(stockAnswer{SKU: q.SKU, InStock: 7})
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCallHTTPTypedAnswersAndProblems(t *testing.T) {
	var calls int
	srv := frontDoor(t, &calls)
	c, _ := newHTTPClient(t, srv.URL)
	ctx := context.Background()

	got, err := Call[stockQuery, stockAnswer](ctx, c, "web", stockQuery{SKU: "widget", Qty: 2}, WithPath("/stock"), Idempotent())
	if err != nil || got != (stockAnswer{SKU: "widget", InStock: 7}) {
		t.Fatalf("Call = %+v, %v", got, err)
	}

	calls = 0
	_, err = Call[stockQuery, stockAnswer](ctx, c, "web", stockQuery{SKU: "widget"}, WithPath("/stock"), Idempotent())
	re, ok := errors.AsType[*RemoteError](err)
	if !ok || !errors.Is(err, ErrHTTPStatus) {
		t.Fatalf("validation error = %v (%T), want a *RemoteError", err, err)
	}
	if re.Service != "web" || re.StatusCode != 422 || re.Type != "https://example.com/problems/validation" ||
		re.Title != "Unprocessable Entity" || re.Message != "the query is invalid" ||
		len(re.Violations) != 1 || re.Violations[0] != (Violation{Detail: "must be at least 1", Pointer: "/qty"}) {
		t.Fatalf("RemoteError = %+v", re)
	}
	if calls != 1 {
		t.Fatalf("a 4xx problem was sent %d times; it must not be retried", calls)
	}
	if !strings.Contains(re.Error(), "HTTP 422") || !strings.Contains(re.Error(), "the query is invalid") {
		t.Fatalf("Error() = %q", re.Error())
	}

	// A 500 from the front door: typed, and the internal error stayed inside.
	_, err = Call[stockQuery, stockAnswer](ctx, c, "web", stockQuery{SKU: "crash", Qty: 1}, WithPath("/stock"))
	if re, ok := errors.AsType[*RemoteError](err); !ok || re.StatusCode != 500 || re.Type != "about:blank" || strings.Contains(err.Error(), "internal detail") {
		t.Fatalf("500 = %v", err)
	}

	_, err = Call[stockQuery, stockAnswer](ctx, c, "web", stockQuery{SKU: "garbled", Qty: 1}, WithPath("/stock"))
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("undecodable answer = %v, want ErrBadResponse", err)
	}
	if _, ok := errors.AsType[*RemoteError](err); ok {
		t.Fatalf("undecodable answer is a RemoteError: %v", err)
	}
}

func TestCallHTTPPlainErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "teapot", http.StatusTeapot) // text/plain: not a problem
	}))
	defer srv.Close()
	c, _ := newHTTPClient(t, srv.URL)
	_, err := Call[stockQuery, stockAnswer](context.Background(), c, "web", stockQuery{})
	re, ok := errors.AsType[*RemoteError](err)
	if !ok || re.StatusCode != 418 || re.Type != "" || re.Message != "" || string(re.Body) != "teapot\n" {
		t.Fatalf("plain error = %+v, %v", re, err)
	}
}

func TestCallLambdaFunctionErrorIsTyped(t *testing.T) {
	cm := newFakeCloudMap()
	cm.set("inventory", lambdaInstance("inv", 1))
	fl := newFakeLambda(func(_ context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		var q stockQuery
		_ = json.Unmarshal(in.Payload, &q)
		if q.Qty <= 0 {
			return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"),
				Payload: []byte(`{"errorMessage":"qty 0 must be at least 1","errorType":"ValidationError"}`)}, nil
		}
		return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"sku":"` + q.SKU + `","inStock":3}`)}, nil
	})
	opts := []Option{WithLambdaClient(fl), WithMetrics(newMetricSink().w)}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)

	got, err := Call[stockQuery, stockAnswer](context.Background(), c, "inventory", stockQuery{SKU: "gadget", Qty: 1})
	if err != nil || got.InStock != 3 {
		t.Fatalf("Call = %+v, %v", got, err)
	}
	_, err = Call[stockQuery, stockAnswer](context.Background(), c, "inventory", stockQuery{SKU: "gadget"})
	re, ok := errors.AsType[*RemoteError](err)
	if !ok || !errors.Is(err, ErrFunctionError) || re.Type != "ValidationError" || re.Message != "qty 0 must be at least 1" || re.FunctionError != "Unhandled" {
		t.Fatalf("function error = %+v, %v", re, err)
	}
}

// TestCallFailuresOtherThanTheCallee checks that what is not the callee's
// answer never looks like one.
func TestCallFailuresOtherThanTheCallee(t *testing.T) {
	cm := newFakeCloudMap()
	cm.set("empty")
	cm.set("inventory", lambdaInstance("inv", 1))
	slow := newFakeLambda(func(ctx context.Context, _ *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	opts := []Option{WithLambdaClient(slow), WithMetrics(newMetricSink().w), WithBreakerPolicy(BreakerPolicy{ConsecutiveFailures: 1, OpenTimeout: time.Hour})}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)

	_, err := Call[stockQuery, stockAnswer](context.Background(), c, "empty", stockQuery{})
	if !errors.Is(err, ErrNoInstances) {
		t.Fatalf("no instances = %v", err)
	}
	isRemote := func(err error) bool { _, ok := errors.AsType[*RemoteError](err); return ok }
	if isRemote(err) {
		t.Fatalf("no instances is a RemoteError: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = Call[stockQuery, stockAnswer](ctx, c, "inventory", stockQuery{}, AttemptTimeout(5*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) || isRemote(err) {
		t.Fatalf("timeout = %v", err)
	}
	// That attempt timed out on its own budget: a failure, which opened the breaker.
	_, err = Call[stockQuery, stockAnswer](context.Background(), c, "inventory", stockQuery{})
	if !errors.Is(err, ErrCircuitOpen) || isRemote(err) {
		t.Fatalf("breaker open = %v", err)
	}
	if _, err := Call[stockQuery, stockAnswer](context.Background(), nil, "inventory", stockQuery{}); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("nil client = %v", err)
	}
}
