package lift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/liftcdk/lift/internal/contract"
)

func TestColdStartRules(t *testing.T) {
	tests := []struct {
		initType string
		want     []bool // per invocation
	}{
		{"on-demand", []bool{true, false, false}},
		{"provisioned-concurrency", []bool{false, false}},
		{"snap-start", []bool{false, false}},
		{"lambda-managed-instances", []bool{false}},
		{"", []bool{true, false}}, // the emulator and SAM local leave it unset: on-demand
	}
	for _, tt := range tests {
		t.Run("init="+tt.initType, func(t *testing.T) {
			te := newTestHandler(t, map[string]string{"AWS_LAMBDA_INITIALIZATION_TYPE": tt.initType}, orderHandler)
			var colds int
			for i, want := range tt.want {
				out, err := te.h.Invoke(invocation(t, fmt.Sprint("req-", i), time.Second), []byte(`{"id":"o1","qty":2}`))
				if err != nil {
					t.Fatal(err)
				}
				var r receipt
				if err := json.Unmarshal(out, &r); err != nil {
					t.Fatal(err)
				}
				if r.Cold != want {
					t.Fatalf("invocation %d: ColdStart(ctx) = %v, want %v", i, r.Cold, want)
				}
				if want {
					colds++
				}
			}
			if got := te.metrics.metricTotal(t, contract.MetricColdStart); got != float64(colds) {
				t.Fatalf("ColdStart metric %v, want %d", got, colds)
			}
		})
	}
}

func TestColdStartOnlyOnceUnderConcurrency(t *testing.T) {
	var colds atomic.Int32
	te := newTestHandler(t, onDemand, func(ctx context.Context) error {
		if ColdStart(ctx) {
			colds.Add(1)
		}
		return nil
	})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			_, _ = te.h.Invoke(invocation(t, fmt.Sprint(i), time.Second), []byte(`{}`))
		})
	}
	wg.Wait()
	if colds.Load() != 1 {
		t.Fatalf("%d invocations saw a cold start, want exactly 1", colds.Load())
	}
}

func TestBusinessEventReachesHandlerDecodedOnce(t *testing.T) {
	te := newTestHandler(t, onDemand, orderHandler)
	out, err := te.h.Invoke(invocation(t, "r1", time.Second), []byte(`{"id":"lift","qty":3,"meta":{"lift":"warmup"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"id":"lift","total":30,"cold":true}` {
		t.Fatalf("got %s", out)
	}
}

func TestHandlerErrorPassesThrough(t *testing.T) {
	sentinel := errors.New("out of stock")
	te := newTestHandler(t, nil, func(context.Context, order) (receipt, error) { return receipt{}, sentinel })
	if _, err := te.h.Invoke(invocation(t, "r", time.Second), []byte(`{}`)); !errors.Is(err, sentinel) {
		t.Fatalf("got %v", err)
	}
}

func TestPanicRecovery(t *testing.T) {
	var calls atomic.Int32
	te := newTestHandler(t, onDemand, func(ctx context.Context, o order) (receipt, error) {
		if calls.Add(1) == 1 {
			var m map[string]int
			//lint:ignore SA5000 the nil map write is the runtime panic under test
			m[o.ID]++
		}
		return orderHandler(ctx, o)
	})
	_, err := te.h.Invoke(invocation(t, "req-panic", time.Second), []byte(`{"id":"a","qty":1}`))
	var ive messages.InvokeResponse_Error
	if !errors.As(err, &ive) || ive.Type != panicErrorType || ive.ShouldExit || !strings.Contains(ive.Message, "nil map") || len(ive.StackTrace) == 0 {
		t.Fatalf("want a HandlerPanic error response that keeps the process, got %#v", err)
	}
	if !slices.ContainsFunc(ive.StackTrace, func(f *messages.InvokeResponse_Error_StackFrame) bool {
		return strings.Contains(f.Label, "TestPanicRecovery")
	}) {
		t.Fatalf("stack trace must include the panicking function: %+v", ive.StackTrace[0])
	}
	// The process keeps serving.
	out, err := te.h.Invoke(invocation(t, "req-after", time.Second), []byte(`{"id":"b","qty":2}`))
	if err != nil || string(out) != `{"id":"b","total":20,"cold":false}` {
		t.Fatalf("after a panic: %s, %v", out, err)
	}
	logs := te.logs.logsWith(t, "handler panicked")
	if len(logs) != 1 || logs[0]["requestId"] != "req-panic" || logs[0]["coldStart"] != true || logs[0]["level"] != "ERROR" ||
		!strings.Contains(fmt.Sprint(logs[0]["stack"]), "TestPanicRecovery") {
		t.Fatalf("want one ERROR log line with requestId, coldStart and stack, got %v", logs)
	}
	if got := te.metrics.metricTotal(t, contract.MetricHandlerPanics); got != 1 {
		t.Fatalf("HandlerPanics %v", got)
	}
}

func TestLoggerFields(t *testing.T) {
	te := newTestHandler(t, onDemand, func(ctx context.Context) error {
		Logger(ctx).Info("via Logger")
		te := Logger(context.Background())
		te.InfoContext(ctx, "via context")
		return nil
	})
	if _, err := te.h.Invoke(invocation(t, "req-7", time.Second), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"via Logger", "via context"} {
		l := te.logs.logsWith(t, msg)
		if len(l) != 1 || l[0]["requestId"] != "req-7" || l[0]["coldStart"] != true || l[0]["instanceId"] != InstanceID() || l[0]["service"] != "orders" {
			t.Fatalf("%s: %v", msg, l)
		}
	}
	if !strings.Contains(te.logs.String(), `"requestId":"req-7"`) || strings.Count(te.logs.String(), `"requestId"`) != 2 {
		t.Fatalf("requestId must appear once per line: %s", te.logs.String())
	}
}

func TestConfigErrors(t *testing.T) {
	ok := func(context.Context) error { return nil }
	tests := []struct {
		name string
		env  map[string]string
		h    any
		opts []Option
		want []string
	}{
		{"bad budget env", map[string]string{"LIFT_SHUTDOWN_BUDGET": "soon"}, ok, nil, []string{"LIFT_SHUTDOWN_BUDGET", `"soon"`, "400ms"}},
		{"negative budget env", map[string]string{"LIFT_SHUTDOWN_BUDGET": "-1s"}, ok, nil, []string{"LIFT_SHUTDOWN_BUDGET", "positive"}},
		{"huge budget env", map[string]string{"LIFT_SHUTDOWN_BUDGET": "1m"}, ok, nil, []string{"LIFT_SHUTDOWN_BUDGET", "450ms"}},
		{"budget env past SIGKILL", map[string]string{"LIFT_SHUTDOWN_BUDGET": "1s"}, ok, nil, []string{"LIFT_SHUTDOWN_BUDGET", `"1s"`, "450ms"}},
		{"budget env just over", map[string]string{"LIFT_SHUTDOWN_BUDGET": "451ms"}, ok, nil, []string{"LIFT_SHUTDOWN_BUDGET", "450ms"}},
		{"budget option past SIGKILL", nil, ok, []Option{WithShutdownBudget(time.Second)}, []string{"WithShutdownBudget(1s)", "450ms"}},
		{"bad log level", map[string]string{"LIFT_LOG_LEVEL": "loud"}, ok, nil, []string{"LIFT_LOG_LEVEL", `"loud"`, "debug, info, warn or error"}},
		{"nil handler", nil, nil, nil, []string{"lift.Start(nil)"}},
		{"not a func", nil, 42, nil, []string{"int", "not a function"}},
		{"bad signature", nil, func(int, int) {}, nil, []string{"first is not context.Context"}},
		{"bad return", nil, func() int { return 0 }, nil, []string{"does not return error"}},
		{"empty hook name", nil, ok, []Option{OnWarmup("", ok)}, []string{"OnWarmup", "name is empty"}},
		{"nil hook", nil, ok, []Option{OnShutdown("db", nil)}, []string{`OnShutdown("db")`, "nil"}},
		{"duplicate hook", nil, ok, []Option{OnWarmup("db", ok), OnWarmup("db", ok)}, []string{"already registered"}},
		{"bad check timeout", nil, ok, []Option{WithCheckTimeout(0)}, []string{"WithCheckTimeout", "positive"}},
		{"bad budget option", nil, ok, []Option{WithShutdownBudget(time.Hour)}, []string{"WithShutdownBudget"}},
		{"nil reporter", nil, ok, []Option{WithHealthReporter(nil)}, []string{"WithHealthReporter(nil)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newHandler(tt.h, func(k string) string { return tt.env[k] }, tt.opts...)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("want ErrInvalidConfig, got %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q must mention %q", err, w)
				}
			}
		})
	}
}

func TestBudgetPrecedence(t *testing.T) {
	ok := func(context.Context) error { return nil }
	env := map[string]string{"LIFT_SHUTDOWN_BUDGET": "250ms"}
	h, err := newHandler(ok, func(k string) string { return env[k] })
	if err != nil || h.shutdownBudget != 250*time.Millisecond {
		t.Fatalf("env budget: %v %v", h, err)
	}
	h, err = newHandler(ok, func(k string) string { return env[k] }, WithShutdownBudget(100*time.Millisecond))
	if err != nil || h.shutdownBudget != 100*time.Millisecond {
		t.Fatalf("option must win over env: %v", err)
	}
	h, _ = newHandler(ok, func(string) string { return "" })
	if h.shutdownBudget != contract.DefaultShutdownBudget {
		t.Fatalf("default budget %v", h.shutdownBudget)
	}
}

// TestConcurrentInvocationsKeepTheirResponses runs overlapping invocations as
// AWS_LAMBDA_MAX_CONCURRENCY > 1 does: aws-lambda-go hands back a pooled
// buffer's bytes, so Lift copies them when invocations overlap.
func TestConcurrentInvocationsKeepTheirResponses(t *testing.T) {
	te := newTestHandler(t, onDemand, orderHandler)
	te.h.concurrent = true // what lambdacontext.MaxConcurrency() > 1 selects
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var kept [][]byte
			var want []string
			for i := range 50 {
				id := fmt.Sprintf("g%d-%d", g, i)
				out, err := te.h.Invoke(invocation(t, id, time.Second), []byte(`{"id":"`+id+`","qty":1}`))
				if err != nil {
					t.Error(err)
					return
				}
				kept = append(kept, out)
				want = append(want, id)
			}
			for i, out := range kept { // still intact after later invocations reused the pool
				var r receipt
				if err := json.Unmarshal(out, &r); err != nil || r.ID != want[i] {
					t.Errorf("response %d corrupted: %s", i, out)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestWarmupAbsorbsTheColdStart(t *testing.T) {
	te := newTestHandler(t, onDemand, orderHandler)
	if _, err := te.h.Invoke(invocation(t, "w", time.Second), []byte(`{"lift":"warmup"}`)); err != nil {
		t.Fatal(err)
	}
	out, _ := te.h.Invoke(invocation(t, "b", time.Second), []byte(`{"id":"x","qty":1}`))
	if !strings.Contains(string(out), `"cold":false`) || te.metrics.metricTotal(t, contract.MetricColdStart) != 0 {
		t.Fatalf("after a warm-up took the cold start, requests are warm and ColdStart stays 0: %s", out)
	}
}
