package discovery

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
)

// newCallClient builds a client over instances a..(n) with a scripted Lambda,
// using the wall clock (fake inside synctest bubbles, where gobreaker's
// time.Now is fake too).
func newCallClient(t *testing.T, n int, fl *fakeLambda, opts ...Option) (*Client, *metricSink) {
	t.Helper()
	cm := newFakeCloudMap()
	var ids []string
	for i := range n {
		ids = append(ids, string(rune('a'+i)))
	}
	var ins []types.HttpInstanceSummary
	for _, id := range ids {
		ins = append(ins, lambdaInstance(id, 1))
	}
	cm.set("orders", ins...)
	sink := newMetricSink()
	base := []Option{WithMetrics(sink.w), WithServiceName("caller"), WithRandSeed(7), WithLambdaClient(fl),
		WithBreakerPolicy(BreakerPolicy{ConsecutiveFailures: 3, OpenTimeout: 10 * time.Second, HalfOpenRequests: 1, Interval: time.Minute})}
	all := append(base, opts...)
	return mustClient(t, mustResolver(t, cm, all...), all...), sink
}

func TestInvokeLambda(t *testing.T) {
	fl := newFakeLambda(okLambda)
	c, sink := newCallClient(t, 1, fl)
	out, err := c.Invoke(context.Background(), "orders", []byte(`{"id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"from arn:aws:lambda:us-east-1:123456789012:function:a:live"`; string(out) != want {
		t.Fatalf("response = %s, want %s", out, want)
	}
	in := fl.inputs[0]
	if string(in.Payload) != `{"id":1}` || in.InvocationType != lambdatypes.InvocationTypeRequestResponse {
		t.Fatalf("Invoke input = %+v", in)
	}
	if got := sink.values(t, "orders")[contract.MetricDiscoveryCalls]; got != 1 {
		t.Fatalf("DiscoveryCalls = %v, want 1", got)
	}
}

func TestBreakerOpensAndHalfOpens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		healthy := false
		fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			if healthy {
				return okLambda(ctx, in)
			}
			return functionError(ctx, in)
		})
		c, sink := newCallClient(t, 1, fl)
		ctx := context.Background()
		for i := range 3 {
			if _, err := c.Invoke(ctx, "orders", nil); !errors.Is(err, ErrFunctionError) {
				t.Fatalf("call %d: %v, want ErrFunctionError", i, err)
			}
		}
		if st, _ := c.BreakerState("orders", "a"); st != BreakerOpen {
			t.Fatalf("breaker after 3 function errors = %v, want open", st)
		}
		_, err := c.Invoke(ctx, "orders", nil)
		if !errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("call with an open breaker: %v, want ErrCircuitOpen", err)
		}
		if fl.total() != 3 {
			t.Fatalf("the open breaker let a call through: %d calls", fl.total())
		}
		m := sink.values(t, "orders")
		if m[contract.MetricBreakerOpen] != 1 || m[contract.MetricDiscoveryErrors] != 4 {
			t.Fatalf("metrics = %v, want BreakerOpen 1 and DiscoveryErrors 4", m)
		}

		time.Sleep(10*time.Second + time.Millisecond)
		if st, _ := c.BreakerState("orders", "a"); st != BreakerHalfOpen {
			t.Fatalf("breaker after the open timeout = %v, want half-open", st)
		}
		// A failed probe opens it again.
		if _, err := c.Invoke(ctx, "orders", nil); !errors.Is(err, ErrFunctionError) {
			t.Fatalf("probe: %v", err)
		}
		if st, _ := c.BreakerState("orders", "a"); st != BreakerOpen {
			t.Fatalf("breaker after a failed probe = %v, want open", st)
		}
		time.Sleep(10*time.Second + time.Millisecond)
		healthy = true
		if _, err := c.Invoke(ctx, "orders", nil); err != nil {
			t.Fatalf("successful probe: %v", err)
		}
		if st, _ := c.BreakerState("orders", "a"); st != BreakerClosed {
			t.Fatalf("breaker after a successful probe = %v, want closed", st)
		}
	})
}

func TestBreakerRoutesAroundBrokenInstance(t *testing.T) {
	fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		if aws.ToString(in.FunctionName) == "arn:aws:lambda:us-east-1:123456789012:function:b:live" {
			return functionError(ctx, in)
		}
		return okLambda(ctx, in)
	})
	c, _ := newCallClient(t, 3, fl)
	failures := 0
	for range 300 {
		if _, err := c.Invoke(context.Background(), "orders", nil); err != nil {
			failures++
		}
	}
	if failures != 3 || fl.callsTo("b") != 3 {
		t.Fatalf("failures = %d, calls to broken b = %d; want 3 and 3 (then its breaker opens)", failures, fl.callsTo("b"))
	}
	if fl.callsTo("a")+fl.callsTo("c") != 297 {
		t.Fatalf("healthy instances served %d calls, want 297", fl.callsTo("a")+fl.callsTo("c"))
	}
}

func TestIdempotentCallRetriesOnAnotherInstance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			if aws.ToString(in.FunctionName) == "arn:aws:lambda:us-east-1:123456789012:function:a:live" {
				return functionError(ctx, in)
			}
			return okLambda(ctx, in)
		})
		c, sink := newCallClient(t, 2, fl) // round robin: a first
		out, err := c.Invoke(context.Background(), "orders", nil, Idempotent())
		if err != nil {
			t.Fatalf("idempotent call: %v", err)
		}
		if fl.callsTo("a") != 1 || fl.callsTo("b") != 1 || len(out) == 0 {
			t.Fatalf("calls a=%d b=%d, want one each (retry went elsewhere)", fl.callsTo("a"), fl.callsTo("b"))
		}
		if m := sink.values(t, "orders"); m[contract.MetricDiscoveryRetries] != 1 || m[contract.MetricDiscoveryErrors] != 0 {
			t.Fatalf("metrics = %v, want 1 retry and no error", m)
		}
	})
}

func TestNonIdempotentCallIsNotRetried(t *testing.T) {
	tests := map[string]func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error){
		"function error": functionError,
		"transport error": func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return nil, errors.New("connection reset by peer")
		},
		"service error": func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return nil, &lambdatypes.ServiceException{Message: aws.String("internal")}
		},
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			fl := newFakeLambda(h)
			c, sink := newCallClient(t, 3, fl)
			if _, err := c.Invoke(context.Background(), "orders", nil); err == nil {
				t.Fatal("want an error")
			}
			if fl.total() != 1 {
				t.Fatalf("a non-idempotent call was attempted %d times, want 1", fl.total())
			}
			if m := sink.values(t, "orders"); m[contract.MetricDiscoveryRetries] != 0 || m[contract.MetricDiscoveryErrors] != 1 {
				t.Fatalf("metrics = %v", m)
			}
		})
	}
}

// A throttled Invoke never ran the function, so even a non-idempotent call may go elsewhere.
func TestThrottledCallIsRetriedEvenIfNotIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			if aws.ToString(in.FunctionName) == "arn:aws:lambda:us-east-1:123456789012:function:a:live" {
				return nil, &lambdatypes.TooManyRequestsException{Message: aws.String("Rate exceeded")}
			}
			return okLambda(ctx, in)
		})
		c, _ := newCallClient(t, 2, fl)
		if _, err := c.Invoke(context.Background(), "orders", nil); err != nil {
			t.Fatalf("throttled then retried: %v", err)
		}
		if st, _ := c.BreakerState("orders", "a"); st != BreakerClosed || fl.total() != 2 {
			t.Fatalf("throttling must not count against the breaker: %v, calls %d", st, fl.total())
		}
	})
}

func TestRetriesStopBeforeTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const attemptTime = 30 * time.Millisecond
		fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			time.Sleep(attemptTime)
			return nil, errors.New("connection refused")
		})
		policy := RetryPolicy{MaxAttempts: 100, BaseDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond, MinAttemptTime: 50 * time.Millisecond}
		c, _ := newCallClient(t, 10, fl, WithRetryPolicy(policy),
			WithBreakerPolicy(BreakerPolicy{ConsecutiveFailures: 1000, OpenTimeout: time.Second}))
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		deadline, _ := ctx.Deadline()
		_, err := c.Invoke(ctx, "orders", nil, Idempotent())
		if err == nil {
			t.Fatal("want an error")
		}
		if !time.Now().Before(deadline) {
			t.Fatalf("Invoke returned at %v, not before the deadline %v", time.Since(start), deadline.Sub(start))
		}
		for i, s := range fl.starts {
			if left := deadline.Sub(s); left < policy.MinAttemptTime {
				t.Fatalf("attempt %d started with %v left, less than MinAttemptTime %v", i, left, policy.MinAttemptTime)
			}
		}
		// Attempts take 30ms plus 10-40ms of backoff: several fit, 100 do not.
		if n := fl.total(); n < 5 || n >= 100 {
			t.Fatalf("attempts = %d, want several but bounded by the deadline", n)
		}
	})
}

func TestCallerCancellationDoesNotTripBreaker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
		c, _ := newCallClient(t, 1, fl)
		for range 5 {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			_, err := c.Invoke(ctx, "orders", nil, Idempotent())
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the deadline", err)
			}
		}
		if st, _ := c.BreakerState("orders", "a"); st != BreakerClosed {
			t.Fatalf("breaker = %v after caller deadlines, want closed", st)
		}
		if fl.total() != 5 {
			t.Fatalf("calls = %d, want 5 (no retry once the caller's deadline passed)", fl.total())
		}
	})
}

func TestNoLambdaClientIsAConfigError(t *testing.T) {
	cm := newFakeCloudMap()
	cm.set("orders", lambdaInstance("a", 1))
	c := mustClient(t, mustResolver(t, cm), WithMetrics(newMetricSink().w))
	if _, err := c.Invoke(context.Background(), "orders", nil, Idempotent()); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
}

func TestAttemptTimeoutLeavesRoomToRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			if aws.ToString(in.FunctionName) == "arn:aws:lambda:us-east-1:123456789012:function:a:live" {
				<-ctx.Done() // hung instance
				return nil, ctx.Err()
			}
			return okLambda(ctx, in)
		})
		c, _ := newCallClient(t, 2, fl)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := c.Invoke(ctx, "orders", nil, Idempotent(), AttemptTimeout(200*time.Millisecond)); err != nil {
			t.Fatalf("Invoke: %v; want the retry on b to succeed", err)
		}
		if fl.callsTo("a") != 1 || fl.callsTo("b") != 1 {
			t.Fatalf("calls a=%d b=%d", fl.callsTo("a"), fl.callsTo("b"))
		}
		if st, _ := c.BreakerState("orders", "a"); st != BreakerClosed {
			t.Fatalf("one timeout must not open the breaker (threshold 3): %v", st)
		}
	})
}

func TestInvokeDuringCloudMapOutage(t *testing.T) {
	cm := newFakeCloudMap()
	cm.set("orders", lambdaInstance("a", 1))
	clk := newFakeClock()
	fl := newFakeLambda(okLambda)
	opts := []Option{WithClock(clk), WithRefreshInterval(time.Minute), WithMaxStale(10 * time.Minute), WithHealthRefresh(0),
		WithMetrics(newMetricSink().w), WithLambdaClient(fl)}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)
	ctx := context.Background()
	if _, err := c.Invoke(ctx, "orders", nil); err != nil {
		t.Fatal(err)
	}
	cm.setFail(errCloudMapDown)
	clk.Advance(9 * time.Minute)
	if _, err := c.Invoke(ctx, "orders", nil); err != nil {
		t.Fatalf("Invoke 9m into the outage: %v; want the stale instances served", err)
	}
	clk.Advance(2 * time.Minute)
	if _, err := c.Invoke(ctx, "orders", nil); !errors.Is(err, ErrStale) {
		t.Fatalf("Invoke 11m into the outage: %v; want ErrStale", err)
	}
	if fl.total() != 2 {
		t.Fatalf("calls = %d, want 2", fl.total())
	}
}

// Many concurrent invocations over flaky instances and changing instance sets:
// run with -race; every call ends with a response or a classified error.
func TestConcurrentInvokesAreSafe(t *testing.T) {
	var n atomic.Int64
	fl := newFakeLambda(func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		if n.Add(1)%5 == 0 {
			return functionError(ctx, in)
		}
		return okLambda(ctx, in)
	})
	cm := newFakeCloudMap()
	cm.set("orders", lambdaInstance("a", 1), lambdaInstance("b", 2), lambdaInstance("c", 3))
	clk := newFakeClock()
	opts := []Option{WithClock(clk), WithStrategy(LeastOutstanding), WithMetrics(newMetricSink().w), WithLambdaClient(fl),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond})}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				if g == 0 && i%50 == 0 { // the instance set changes under the callers
					cm.set("orders", lambdaInstance("a", 1), lambdaInstance("b", 2), lambdaInstance(string(rune('d'+i/50)), 1))
					clk.Advance(time.Minute)
				}
				_, err := c.Invoke(context.Background(), "orders", nil, Idempotent())
				if err != nil && !errors.Is(err, ErrFunctionError) && !errors.Is(err, ErrCircuitOpen) {
					t.Errorf("unexpected error: %v", err)
				}
			}
		})
	}
	wg.Wait()
	st, _ := c.state("orders")
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, tg := range st.targets {
		if o := tg.outstanding.Load(); o != 0 {
			t.Errorf("instance %s has %d calls outstanding after all returned", id, o)
		}
	}
}

// A client limited to its targets refuses other services before creating state
// or asking Cloud Map; without targets it resolves any name, as before.
func TestTargetsLimitTheServicesCalled(t *testing.T) {
	calls := map[string]func(c *Client, service string) error{
		"Pick": func(c *Client, service string) error {
			_, err := c.Pick(context.Background(), service)
			return err
		},
		"Invoke": func(c *Client, service string) error {
			_, err := c.Invoke(context.Background(), service, []byte(`{}`))
			return err
		},
	}
	tests := []struct {
		name     string
		targets  []string
		service  string
		instance string // the service's one instance in Cloud Map
		unknown  bool
	}{
		{"connected service", []string{"orders", "inventory"}, "orders", "a", false},
		{"service not connected", []string{"orders", "inventory"}, "payments", "p", true},
		{"no targets: any service", nil, "payments", "p", false},
	}
	for _, tt := range tests {
		for op, call := range calls {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				cm := newFakeCloudMap()
				// payments exists in Cloud Map: only the targets can refuse it.
				cm.set("orders", lambdaInstance("a", 1))
				cm.set("payments", lambdaInstance("p", 1))
				fl := newFakeLambda(okLambda)
				opts := []Option{WithMetrics(newMetricSink().w), WithLambdaClient(fl), WithTargets(tt.targets...)}
				c := mustClient(t, mustResolver(t, cm, opts...), opts...)

				err := call(c, tt.service)
				cloudMapCalls := cm.discoveryCalls.Load() + cm.revisionCalls.Load()
				if !tt.unknown {
					if err != nil {
						t.Fatalf("%s(%q): %v", op, tt.service, err)
					}
					if cloudMapCalls == 0 {
						t.Fatal("resolved without asking Cloud Map")
					}
					if _, ok := c.BreakerState(tt.service, tt.instance); !ok {
						t.Fatalf("no breaker for %s instance %s after a call", tt.service, tt.instance)
					}
					return
				}
				if !errors.Is(err, ErrUnknownService) {
					t.Fatalf("%s(%q) = %v, want ErrUnknownService", op, tt.service, err)
				}
				for _, want := range []string{`"payments"`, "orders,inventory", contract.EnvDiscoveryTargets, "constructs/service", "cloudmap.Connect"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %q", err, want)
					}
				}
				if cloudMapCalls != 0 || fl.total() != 0 {
					t.Errorf("refused call still made %d Cloud Map and %d Lambda calls", cloudMapCalls, fl.total())
				}
				if _, ok := (*c.services.Load())[tt.service]; ok {
					t.Error("refused call created client state")
				}
				if _, ok := (*c.resolver.services.Load())[tt.service]; ok {
					t.Error("refused call created a resolver cache entry")
				}
				if st, ok := c.BreakerState(tt.service, tt.instance); ok || st != BreakerClosed {
					t.Errorf("BreakerState of a service not connected = %v, %v; want closed, false", st, ok)
				}
				if _, ok := (*c.services.Load())[tt.service]; ok {
					t.Error("BreakerState created client state")
				}
			})
		}
	}
}

// Reading a breaker never creates state, with or without targets.
func TestBreakerStateOfUnseenServiceCreatesNoState(t *testing.T) {
	c, _ := newCallClient(t, 1, newFakeLambda(okLambda))
	if st, ok := c.BreakerState("payments", "a"); ok || st != BreakerClosed {
		t.Fatalf("BreakerState(payments) = %v, %v; want closed, false", st, ok)
	}
	if n := len(*c.services.Load()); n != 0 {
		t.Fatalf("BreakerState created state: %d services", n)
	}
}
