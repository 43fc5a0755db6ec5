package warmer

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

func quiet() Option { return WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))) }

func TestRunWarmsDistinctEnvironments(t *testing.T) {
	tests := []struct {
		name         string
		fn           *fakeFunction
		concurrency  int
		wantWarmed   int
		wantFailed   int
		wantAttempts int
	}{
		{name: "overlapping wave reaches N", fn: &fakeFunction{releaseAt: 5}, concurrency: 5, wantWarmed: 5, wantAttempts: 5},
		{name: "single environment", fn: &fakeFunction{releaseAt: 1}, concurrency: 1, wantWarmed: 1, wantAttempts: 1},
		// The first wave did not overlap (all answered env-0): the shortfall is
		// retried with a full wave, which reaches N.
		{name: "reuse retried", fn: &fakeFunction{releaseAt: 4, reuseFirst: 4}, concurrency: 4, wantWarmed: 4, wantAttempts: 8},
		{name: "function errors retried", fn: &fakeFunction{releaseAt: 3, failFirst: 2}, concurrency: 3, wantWarmed: 3, wantFailed: 2, wantAttempts: 6},
		// Reserved concurrency 2 below the 4 asked: throttled, and not retried.
		{name: "throttle stops retries", fn: &fakeFunction{releaseAt: 4, maxEnvs: 2}, concurrency: 4, wantWarmed: 2, wantFailed: 2, wantAttempts: 4},
		{name: "not a lift target", fn: &fakeFunction{releaseAt: 2, badAnswer: true}, concurrency: 2, wantWarmed: 0, wantFailed: 6, wantAttempts: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			fake.add(arn("api"), tt.fn)
			m := &recordingMetrics{}
			w := New(fake, WithMetrics(m), quiet(), WithRoundID(func(context.Context) string { return "round-1" }))
			rep, err := w.Run(context.Background(), contract.WarmerInput{
				HoldMs:  2000, // a fallback only: releaseAt ends holds as soon as the wave overlaps
				Targets: []contract.WarmerTarget{{Name: "api", ARN: arn("api"), Concurrency: tt.concurrency}},
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			want := contract.WarmerTargetReport{Name: "api", Asked: tt.concurrency, Warmed: tt.wantWarmed, Failed: tt.wantFailed, Attempts: tt.wantAttempts}
			if rep.Round != "round-1" || len(rep.Targets) != 1 || rep.Targets[0] != want {
				t.Fatalf("report = %+v, want round-1 and %+v", rep, want)
			}
			for name, v := range map[string]int{
				contract.MetricWarmerAsked: tt.concurrency, contract.MetricWarmerWarmed: tt.wantWarmed,
				contract.MetricWarmerFailed: tt.wantFailed, contract.MetricWarmerShortfall: tt.concurrency - tt.wantWarmed,
			} {
				if got, ok := m.get("api", name); !ok || got != float64(v) {
					t.Errorf("metric %s = %v (emitted %v), want %d", name, got, ok, v)
				}
			}
			if len(fake.rounds) != 1 || !fake.rounds["round-1"] {
				t.Errorf("events carried rounds %v, want only round-1", fake.rounds)
			}
			for _, r := range fake.retries {
				if r != 1 {
					t.Fatalf("invoke ran with RetryMaxAttempts %d, want 1: SDK retries would land outside the wave", r)
				}
			}
		})
	}
}

// TestEventsCarryTheTargetsToken: each target's warm-ups carry its own
// control token (and none when it has none), so the function can tell them
// from forged ones.
func TestEventsCarryTheTargetsToken(t *testing.T) {
	fake := newFake()
	fake.add(arn("api"), &fakeFunction{releaseAt: 2})
	fake.add(arn("jobs"), &fakeFunction{releaseAt: 2})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
	if _, err := w.Run(context.Background(), contract.WarmerInput{HoldMs: 2000, Targets: []contract.WarmerTarget{
		{Name: "api", ARN: arn("api"), Concurrency: 2, Token: "api-secret"},
		{Name: "jobs", ARN: arn("jobs"), Concurrency: 2},
	}}); err != nil {
		t.Fatal(err)
	}
	if got := fake.tokens[arn("api")]; len(got) != 1 || !got["api-secret"] {
		t.Fatalf("api's events carried tokens %v, want only its own", got)
	}
	if got := fake.tokens[arn("jobs")]; len(got) != 1 || !got[""] {
		t.Fatalf("jobs has no token, its events carried %v", got)
	}
}

func TestRetryWaveDoublesHold(t *testing.T) {
	fake := newFake()
	fake.add(arn("api"), &fakeFunction{releaseAt: 3, reuseFirst: 3})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
	if _, err := w.Run(context.Background(), contract.WarmerInput{HoldMs: 400, Targets: []contract.WarmerTarget{{Name: "api", ARN: arn("api"), Concurrency: 3}}}); err != nil {
		t.Fatal(err)
	}
	want := []int{400, 400, 400, 800, 800, 800}
	if len(fake.holds) != len(want) {
		t.Fatalf("holds = %v, want %v", fake.holds, want)
	}
	for i := range want {
		if fake.holds[i] != want[i] {
			t.Fatalf("holds = %v, want %v", fake.holds, want)
		}
	}
}

func TestTimeoutsCountedAndRetried(t *testing.T) {
	fake := newFake()
	fake.add(arn("slow"), &fakeFunction{releaseAt: 3, hangFirst: 2})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet(), WithInitAllowance(50*time.Millisecond))
	rep, err := w.Run(context.Background(), contract.WarmerInput{HoldMs: 20, Targets: []contract.WarmerTarget{{Name: "slow", ARN: arn("slow"), Concurrency: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	// Wave 1: 2 hang past 70 ms and fail; 1 answers. Wave 2: 3 answer (the
	// earlier environment is reused, two new ones are created).
	got := rep.Targets[0]
	if got.Failed != 2 || got.Warmed != 3 || got.Attempts != 6 {
		t.Fatalf("report = %+v, want failed 2, warmed 3, attempts 6", got)
	}
}

func TestPartialFailureAcrossTargets(t *testing.T) {
	fake := newFake()
	fake.add(arn("good"), &fakeFunction{releaseAt: 2})
	fake.add(arn("broken"), &fakeFunction{failFirst: 1 << 30})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet(), WithMaxWaves(2))
	rep, err := w.Run(context.Background(), contract.WarmerInput{HoldMs: 2000, Targets: []contract.WarmerTarget{
		{Name: "good", ARN: arn("good"), Concurrency: 2},
		{Name: "broken", ARN: arn("broken"), Concurrency: 3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []contract.WarmerTargetReport{
		{Name: "good", Asked: 2, Warmed: 2, Attempts: 2},
		{Name: "broken", Asked: 3, Failed: 6, Attempts: 6},
	}
	for i := range want {
		if rep.Targets[i] != want[i] {
			t.Errorf("targets[%d] = %+v, want %+v", i, rep.Targets[i], want[i])
		}
	}
}

func TestInvalidTargetsRefusedOthersWarmed(t *testing.T) {
	fake := newFake()
	fake.add(arn("ok"), &fakeFunction{releaseAt: 1})
	m := &recordingMetrics{}
	w := New(fake, WithMetrics(m), quiet())
	unqualified := "arn:aws:lambda:us-east-1:123456789012:function:bare"
	rep, err := w.Run(context.Background(), contract.WarmerInput{HoldMs: 2000, Targets: []contract.WarmerTarget{
		{Name: "ok", ARN: arn("ok"), Concurrency: 1},
		{Name: "bare", ARN: unqualified, Concurrency: 2},
		{Name: "latest", ARN: unqualified + ":$LATEST", Concurrency: 1},
		{Name: "zero", ARN: arn("zero"), Concurrency: 0},
		{Name: "ok", ARN: arn("ok"), Concurrency: 1},
	}})
	if !errors.Is(err, ErrInvalidTarget) {
		t.Fatalf("err = %v, want ErrInvalidTarget", err)
	}
	for _, want := range []string{"unqualified", "$LATEST", "concurrency 0", "repeats targets[0]"} {
		if !contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if rep.Targets[0].Warmed != 1 {
		t.Errorf("valid target not warmed: %+v", rep.Targets[0])
	}
	if got := rep.Targets[1]; got.Failed != 2 || got.Attempts != 0 {
		t.Errorf("refused target = %+v, want failed 2, attempts 0", got)
	}
	if v, _ := m.get("bare", contract.MetricWarmerShortfall); v != 2 {
		t.Errorf("refused target shortfall metric = %v, want 2", v)
	}
	if fake.calls.Load() != 1 {
		t.Errorf("invokes = %d, want 1: refused targets must not be invoked", fake.calls.Load())
	}
}

func TestBudgetBoundsEveryInvoke(t *testing.T) {
	fake := newFake()
	fake.add(arn("stuck"), &fakeFunction{hangFirst: 1 << 30})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
	t0 := time.Now()
	w.now = func() time.Time { return t0 }
	rep, err := w.Run(context.Background(), contract.WarmerInput{BudgetMs: 150, HoldMs: 20, Targets: []contract.WarmerTarget{{Name: "stuck", ARN: arn("stuck"), Concurrency: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Targets[0]; got.Warmed != 0 || got.Failed != got.Attempts || got.Attempts == 0 {
		t.Fatalf("report = %+v, want every attempt failed", got)
	}
	limit := t0.Add(150 * time.Millisecond)
	for _, d := range fake.deadlines {
		if d.IsZero() || d.After(limit) {
			t.Fatalf("an invoke ran with deadline %v, past the budget's %v", d, limit)
		}
	}
}

func TestInvocationDeadlineBoundsEveryInvoke(t *testing.T) {
	fake := newFake()
	fake.add(arn("stuck"), &fakeFunction{hangFirst: 1 << 30})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
	parent := time.Now().Add(1300 * time.Millisecond)
	ctx, cancel := context.WithDeadline(context.Background(), parent)
	defer cancel()
	if _, err := w.Run(ctx, contract.WarmerInput{HoldMs: 20, Targets: []contract.WarmerTarget{{Name: "stuck", ARN: arn("stuck"), Concurrency: 2}}}); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run returned after the invocation's deadline: no time was left to report")
	}
	limit := parent.Add(-finishReserve)
	for _, d := range fake.deadlines {
		if d.After(limit) {
			t.Fatalf("an invoke ran with deadline %v, past the invocation's deadline less the reserve %v", d, limit)
		}
	}
}

func TestManyTargetsBoundedParallelism(t *testing.T) {
	const targets, parallelism = 500, 40
	fake := newFake()
	in := contract.WarmerInput{HoldMs: 3000, Parallelism: parallelism}
	asked := 0
	for i := range targets {
		name := "fn" + strconv.Itoa(i)
		c := 1 + i%4
		asked += c
		fake.add(arn(name), &fakeFunction{releaseAt: c})
		in.Targets = append(in.Targets, contract.WarmerTarget{Name: name, ARN: arn(name), Concurrency: c})
	}
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
	start := time.Now()
	rep, err := w.Run(context.Background(), in)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	warmed := 0
	for i, r := range rep.Targets {
		if r.Warmed != r.Asked || r.Failed != 0 {
			t.Fatalf("targets[%d] = %+v, want all warmed", i, r)
		}
		warmed += r.Warmed
	}
	if got := fake.maxInflight.Load(); got > parallelism {
		t.Fatalf("max invokes in flight = %d, want <= %d", got, parallelism)
	}
	if got := fake.calls.Load(); got != int64(asked) {
		t.Fatalf("invokes = %d, want %d (one wave each)", got, asked)
	}
	t.Logf("%d targets, %d environments warmed with %d invokes in %v; max in flight %d (limit %d)",
		targets, warmed, fake.calls.Load(), elapsed, fake.maxInflight.Load(), parallelism)
}

func TestConcurrencyAboveParallelismStillOverlaps(t *testing.T) {
	fake := newFake()
	fake.add(arn("wide"), &fakeFunction{releaseAt: 8})
	w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
	rep, err := w.Run(context.Background(), contract.WarmerInput{HoldMs: 2000, Parallelism: 3, Targets: []contract.WarmerTarget{{Name: "wide", ARN: arn("wide"), Concurrency: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Targets[0].Warmed != 8 {
		t.Fatalf("report = %+v, want 8 warmed: a wave must not be split", rep.Targets[0])
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
