package lift

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/health"
)

// neverCalled fails the test if a control event reaches the user's handler.
func neverCalled(t *testing.T) func(context.Context, order) (receipt, error) {
	return func(context.Context, order) (receipt, error) {
		t.Error("control event reached the user's handler")
		return receipt{}, nil
	}
}

func warmupResponse(t *testing.T, b []byte) contract.WarmupResponse {
	t.Helper()
	var r contract.WarmupResponse
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("warm-up response %s: %v", b, err)
	}
	return r
}

func TestWarmup(t *testing.T) {
	var dbRuns, dnsRuns atomic.Int32
	te := newTestHandler(t, onDemand, neverCalled(t),
		OnWarmup("dns", func(context.Context) error { dnsRuns.Add(1); return nil }),
		OnWarmup("db", func(context.Context) error { dbRuns.Add(1); return nil }),
	)
	out, err := te.h.Invoke(invocation(t, "w1", time.Second), []byte(`{"lift":"warmup","round":"r1"}`))
	if err != nil {
		t.Fatal(err)
	}
	r := warmupResponse(t, out)
	if r.Lift != "warmup" || r.InstanceID != InstanceID() || len(r.InstanceID) != 32 || !r.ColdStart ||
		r.InitType != "on-demand" || r.Round != "r1" || len(r.Hooks) != 2 || r.Hooks[0].Name != "dns" || r.Hooks[1].Name != "db" ||
		r.Hooks[0].Error != "" || r.Hooks[0].DurationMs < 0 {
		t.Fatalf("first warm-up: %+v", r)
	}
	out, err = te.h.Invoke(invocation(t, "w2", time.Second), []byte(`{"lift":"warmup"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := warmupResponse(t, out); r.ColdStart || len(r.Hooks) != 0 || r.InstanceID != InstanceID() {
		t.Fatalf("second warm-up must be warm, run no hooks and keep the instance id: %+v", r)
	}
	if dbRuns.Load() != 1 || dnsRuns.Load() != 1 {
		t.Fatalf("hooks must run once per process: db %d dns %d", dbRuns.Load(), dnsRuns.Load())
	}
	if got := te.metrics.metricTotal(t, contract.MetricWarmups); got != 2 {
		t.Fatalf("Warmups %v", got)
	}
	for _, m := range []string{contract.MetricColdStart, contract.MetricHandlerPanics} {
		if got := te.metrics.metricTotal(t, m); got != 0 {
			t.Fatalf("warm-ups must not count in %s: %v", m, got)
		}
	}
	if got := te.metrics.metricTotal(t, contract.MetricWarmupHookDuration); got < 0 || !strings.Contains(te.metrics.String(), contract.MetricWarmupHookDuration) {
		t.Fatal("hook durations must be emitted")
	}
}

func TestWarmupFailedHookRetriesNextTime(t *testing.T) {
	var attempts, okRuns atomic.Int32
	te := newTestHandler(t, onDemand, neverCalled(t),
		OnWarmup("ok", func(context.Context) error { okRuns.Add(1); return nil }),
		OnWarmup("flaky", func(context.Context) error {
			if attempts.Add(1) == 1 {
				return errors.New("connection refused")
			}
			return nil
		}),
		OnWarmup("panics-once", func() func(context.Context) error {
			var n atomic.Int32
			return func(context.Context) error {
				if n.Add(1) == 1 {
					panic("boom")
				}
				return nil
			}
		}()),
	)
	out, err := te.h.Invoke(invocation(t, "w1", time.Second), []byte(`{"lift":"warmup"}`))
	if err != nil {
		t.Fatalf("a failing hook must not fail the warm-up: %v", err)
	}
	r := warmupResponse(t, out)
	if len(r.Hooks) != 3 || r.Hooks[0].Error != "" || r.Hooks[1].Error != hookFailed || r.Hooks[2].Error != hookFailed {
		t.Fatalf("failures must be reported, without their error text: %+v", r.Hooks)
	}
	if l := te.logs.logsWith(t, "warm-up hook failed"); len(l) != 2 || l[0]["hook"] != "flaky" || l[0]["requestId"] != "w1" ||
		l[0]["error"] != "connection refused" || !strings.Contains(l[1]["error"].(string), "panicked: boom") {
		t.Fatalf("failures must be logged with their error text: %v", l)
	}
	out, _ = te.h.Invoke(invocation(t, "w2", time.Second), []byte(`{"lift":"warmup"}`))
	r = warmupResponse(t, out)
	if len(r.Hooks) != 2 || r.Hooks[0].Name != "flaky" || r.Hooks[0].Error != "" || r.Hooks[1].Name != "panics-once" {
		t.Fatalf("only the failed hooks run again: %+v", r.Hooks)
	}
	out, _ = te.h.Invoke(invocation(t, "w3", time.Second), []byte(`{"lift":"warmup"}`))
	if r := warmupResponse(t, out); len(r.Hooks) != 0 || okRuns.Load() != 1 {
		t.Fatalf("all hooks done: %+v, ok ran %d times", r.Hooks, okRuns.Load())
	}
}

func TestConcurrentWarmupsRunHooksOnce(t *testing.T) {
	var runs atomic.Int32
	te := newTestHandler(t, onDemand, neverCalled(t), OnWarmup("slow", func(context.Context) error {
		runs.Add(1)
		time.Sleep(20 * time.Millisecond)
		return nil
	}))
	var wg sync.WaitGroup
	var reported atomic.Int32
	for range 8 {
		wg.Go(func() {
			out, err := te.h.Invoke(invocation(t, "w", 5*time.Second), []byte(`{"lift":"warmup"}`))
			if err != nil {
				t.Error(err)
				return
			}
			reported.Add(int32(len(warmupResponse(t, out).Hooks)))
		})
	}
	wg.Wait()
	if runs.Load() != 1 || reported.Load() != 1 {
		t.Fatalf("hook ran %d times, reported %d times; want 1 and 1", runs.Load(), reported.Load())
	}
}

func TestWarmupHold(t *testing.T) {
	te := newTestHandler(t, nil, neverCalled(t))
	out, err := te.h.Invoke(invocation(t, "w", 5*time.Second), []byte(`{"lift":"warmup","holdMs":40}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := warmupResponse(t, out); r.HeldMs < 30 || r.HeldMs > 4000 {
		t.Fatalf("heldMs %d: the invocation must stay busy for the requested hold", r.HeldMs)
	}
	// The hold is bounded by the invocation's deadline (minus a margin to answer).
	ctx := invocation(t, "w", 200*time.Millisecond)
	out, err = te.h.Invoke(ctx, []byte(`{"lift":"warmup","holdMs":5000}`))
	if err != nil || ctx.Err() != nil {
		t.Fatalf("a held warm-up must answer before its deadline: %v, ctx %v", err, ctx.Err())
	}
	if r := warmupResponse(t, out); r.HeldMs >= 200 {
		t.Fatalf("heldMs %d exceeds the invocation's time", r.HeldMs)
	}
}

type fakeReporter struct {
	mu       sync.Mutex
	statuses []string
	err      error
}

func (f *fakeReporter) ReportHealth(ctx context.Context, status string) error {
	if _, ok := ctx.Deadline(); !ok {
		return errors.New("reporter called without a deadline")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses = append(f.statuses, status)
	return f.err
}

func (f *fakeReporter) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.statuses...)
}

func TestHealthEvent(t *testing.T) {
	tests := []struct {
		name   string
		checks []Option
		want   string
	}{
		{"no checks", nil, contract.StatusPass},
		{"pass", []Option{WithHealthCheck("db", func(context.Context) error { return nil })}, contract.StatusPass},
		{"warn", []Option{
			WithHealthCheck("db", func(context.Context) error { return nil }),
			WithHealthCheck("cache", func(context.Context) error { return health.Warn(errors.New("degraded")) }),
		}, contract.StatusWarn},
		{"fail on timeout", []Option{
			WithCheckTimeout(30 * time.Millisecond),
			WithHealthCheck("hangs", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }),
		}, contract.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &fakeReporter{}
			te := newTestHandler(t, onDemand, neverCalled(t), append(tt.checks, WithHealthReporter(rep))...)
			out, err := te.h.Invoke(invocation(t, "h", 5*time.Second), []byte(`{"lift":"health"}`))
			if err != nil {
				t.Fatal(err)
			}
			var r contract.HealthResponse
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.want || r.InstanceID != InstanceID() || r.ServiceID != "orders" || r.Checks == nil {
				t.Fatalf("got %s", out)
			}
			if len(r.Checks) != len(tt.checks)-strings.Count(tt.name, "timeout") {
				t.Fatalf("checks %v", r.Checks)
			}
			if got := rep.got(); len(got) != 1 || got[0] != tt.want {
				t.Fatalf("reporter got %v, want [%s]", got, tt.want)
			}
			failed := 0.0
			if tt.want == contract.StatusFail {
				failed = 1
			}
			if te.metrics.metricTotal(t, contract.MetricHealthChecks) != 1 || te.metrics.metricTotal(t, contract.MetricHealthFailed) != failed {
				t.Fatalf("health metrics wrong: %s", te.metrics.String())
			}
			if te.metrics.metricTotal(t, contract.MetricColdStart) != 0 {
				t.Fatal("health events must not count as cold starts")
			}
		})
	}
}

func TestReporterFailureDoesNotFailEvents(t *testing.T) {
	rep := &fakeReporter{err: errors.New("cloud map throttled")}
	te := newTestHandler(t, onDemand, neverCalled(t), WithHealthReporter(rep),
		OnWarmup("broken", func(context.Context) error { return errors.New("no route") }))
	for _, ev := range []string{`{"lift":"warmup"}`, `{"lift":"health"}`} {
		if _, err := te.h.Invoke(invocation(t, "r", time.Second), []byte(ev)); err != nil {
			t.Fatalf("%s failed because the reporter failed: %v", ev, err)
		}
	}
	// After the warm-up the reporter sees warn (a hook failed), after health pass.
	if got := rep.got(); len(got) != 2 || got[0] != contract.StatusWarn || got[1] != contract.StatusPass {
		t.Fatalf("reporter statuses %v", got)
	}
	if l := te.logs.logsWith(t, "health reporter failed"); len(l) != 2 || !strings.Contains(l[0]["error"].(string), "throttled") {
		t.Fatalf("reporter failures must be logged: %v", l)
	}
}

func TestInvalidControlEventIsAnsweredNotPassedOn(t *testing.T) {
	te := newTestHandler(t, nil, neverCalled(t))
	_, err := te.h.Invoke(invocation(t, "x", time.Second), []byte(`{"lift":"warmup","holdMs":"soon"}`))
	if !errors.Is(err, ErrInvalidControlEvent) {
		t.Fatalf("got %v", err)
	}
}

func TestWarmupResponseEncodingMatchesJSON(t *testing.T) {
	r := contract.WarmupResponse{Lift: "warmup", InstanceID: "i", ColdStart: true, InitType: "on-demand",
		Round: "r\"\n\x01é", HeldMs: 12, Hooks: []contract.HookTiming{{Name: "a", DurationMs: 1.25}, {Name: "b\\", DurationMs: 0, Error: "x\ty"}}}
	want, _ := json.Marshal(r)
	if got := appendWarmupResponse(nil, r); string(got) != string(want) {
		t.Fatalf("hand encoder differs from encoding/json:\n got %s\nwant %s", got, want)
	}
	r = contract.WarmupResponse{Lift: "warmup", InstanceID: "i"}
	want, _ = json.Marshal(r)
	if got := appendWarmupResponse(nil, r); string(got) != string(want) {
		t.Fatalf("minimal: got %s want %s", got, want)
	}
}

func TestWarmupAbandonsHookThatOverrunsTheInvocation(t *testing.T) {
	release := make(chan struct{})
	var runs atomic.Int32
	te := newTestHandler(t, onDemand, neverCalled(t), OnWarmup("stuck", func(context.Context) error {
		if runs.Add(1) == 1 {
			<-release // ignores its context
		}
		return nil
	}))
	ctx := invocation(t, "w1", 300*time.Millisecond)
	out, err := te.h.Invoke(ctx, []byte(`{"lift":"warmup"}`))
	if err != nil || ctx.Err() != nil {
		t.Fatalf("the warm-up must answer before its deadline: %v, ctx %v", err, ctx.Err())
	}
	if r := warmupResponse(t, out); len(r.Hooks) != 1 || !strings.Contains(r.Hooks[0].Error, "abandoned") {
		t.Fatalf("the overrunning hook must be reported abandoned: %+v", r.Hooks)
	}
	// While it still runs, a second warm-up does not start it again.
	out, _ = te.h.Invoke(invocation(t, "w2", time.Second), []byte(`{"lift":"warmup"}`))
	if r := warmupResponse(t, out); len(r.Hooks) != 1 || !strings.Contains(r.Hooks[0].Error, "still running") || runs.Load() != 1 {
		t.Fatalf("second warm-up: %+v, runs %d", r.Hooks, runs.Load())
	}
	close(release) // the abandoned run finishes successfully
	deadline := time.Now().Add(5 * time.Second)
	for te.h.warm.state[0].Load() != hookDone {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned hook's success was not recorded")
		}
		time.Sleep(time.Millisecond)
	}
	out, _ = te.h.Invoke(invocation(t, "w3", time.Second), []byte(`{"lift":"warmup"}`))
	if r := warmupResponse(t, out); len(r.Hooks) != 0 || runs.Load() != 1 {
		t.Fatalf("a hook that finished after being abandoned is done: %+v, runs %d", r.Hooks, runs.Load())
	}
}

func TestWarmupFastEncodingMatches(t *testing.T) {
	for _, initType := range []string{"", "provisioned-concurrency"} {
		te := newTestHandler(t, map[string]string{"AWS_LAMBDA_INITIALIZATION_TYPE": initType}, neverCalled(t))
		for _, round := range []string{"", "r1", "quote\"é\x01"} {
			for _, cold := range []bool{false, true} {
				want := appendWarmupResponse(nil, contract.WarmupResponse{Lift: "warmup", InstanceID: te.h.instanceID,
					ColdStart: cold, InitType: te.h.initType, Round: round, HeldMs: 42})
				if got := te.h.appendWarmupFast(nil, cold, round, 42); string(got) != string(want) {
					t.Fatalf("fast %s\nfull %s", got, want)
				}
			}
		}
	}
}
