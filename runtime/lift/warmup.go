package lift

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/health"
	"github.com/liftcdk/lift/runtime/internal/jsonenc"
	"github.com/liftcdk/lift/runtime/metrics"
)

// holdMargin is kept free before the invocation deadline so a held warm-up
// still answers instead of timing out.
const holdMargin = 50 * time.Millisecond

// warmupState tracks which warm-up hooks have succeeded in this process.
type warmupState struct {
	lock    chan struct{} // one slot: the warm-up running hooks holds it; waiting respects ctx
	done    []bool        // guarded by lock
	allDone atomic.Bool   // fast path once every hook has succeeded
}

func (s *warmupState) init(n int) {
	s.lock = make(chan struct{}, 1)
	s.done = make([]bool, n)
	s.allDone.Store(n == 0)
}

// warmup answers a warm-up event: hooks (once per process), the health
// report, then the hold, so the invocation is busy for about holdMs in total.
func (h *Handler) warmup(ctx context.Context, ev controlEvent, cold bool) ([]byte, error) {
	hold := ev.warmupEvent().Hold()
	var start time.Time
	if hold > 0 { // the common scheduled warm-up holds; a bare ping skips the clock
		start = time.Now()
	}
	h.warmups.Add(1)
	var timings []contract.HookTiming
	if !h.warm.allDone.Load() {
		timings = h.runWarmupHooks(ctx)
	}
	if h.reporter != nil {
		status := health.Run(ctx, h.checks, h.checkTimeout).Status
		for _, t := range timings {
			if t.Error != "" { // the instance serves, but not fully prepared
				status = health.Worst(status, contract.StatusWarn)
			}
		}
		h.report(ctx, status)
	}
	var held time.Duration
	if hold > 0 {
		held = holdUntil(ctx, start.Add(hold))
	}
	if len(timings) > 0 || cold {
		Logger(ctx).Info("lift: warm-up", "round", ev.round, "heldMs", held.Milliseconds(), "hooks", timings)
	}
	return appendWarmupResponse(make([]byte, 0, 160), contract.WarmupResponse{
		Lift:       contract.ControlWarmup,
		InstanceID: h.instanceID,
		ColdStart:  cold,
		InitType:   h.initType,
		Round:      ev.round,
		HeldMs:     held.Milliseconds(),
		Hooks:      timings,
	}), nil
}

// runWarmupHooks runs, in registration order, every hook that has not yet
// succeeded, and returns their timings.
func (h *Handler) runWarmupHooks(ctx context.Context) []contract.HookTiming {
	select {
	case h.warm.lock <- struct{}{}:
	case <-ctx.Done():
		Logger(ctx).Warn("lift: warm-up gave up waiting for a concurrent warm-up's hooks", "error", context.Cause(ctx).Error())
		return nil
	}
	defer func() { <-h.warm.lock }()
	var timings []contract.HookTiming
	all := true
	for i, hk := range h.warmupHooks {
		if h.warm.done[i] {
			continue
		}
		t0 := time.Now()
		err := callHook(ctx, hk)
		d := time.Since(t0)
		t := contract.HookTiming{Name: hk.name, DurationMs: float64(d.Microseconds()) / 1000}
		h.metrics.Emit([]metrics.Dimension{h.service}, contract.MetricWarmupHookDuration, metrics.Milliseconds, t.DurationMs)
		if err != nil {
			t.Error = err.Error()
			all = false
			Logger(ctx).Error("lift: warm-up hook failed; it runs again on the next warm-up", "hook", hk.name, "durationMs", t.DurationMs, "error", t.Error)
		} else {
			h.warm.done[i] = true
		}
		timings = append(timings, t)
	}
	if all {
		h.warm.allDone.Store(true)
	}
	return timings
}

// callHook runs a hook, turning a panic into an error.
func callHook(ctx context.Context, hk namedHook) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("hook %q panicked: %v", hk.name, p)
		}
	}()
	return hk.fn(ctx)
}

// holdUntil sleeps until until, but never past the invocation deadline minus
// holdMargin, and returns how long it slept.
func holdUntil(ctx context.Context, until time.Time) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		if limit := dl.Add(-holdMargin); limit.Before(until) {
			until = limit
		}
	}
	d := time.Until(until)
	if d <= 0 {
		return 0
	}
	t0 := time.Now()
	timer := time.NewTimer(d)
	select {
	case <-timer.C:
	case <-ctx.Done():
		timer.Stop()
	}
	return time.Since(t0)
}

// report calls the HealthReporter, bounded by the check timeout; a failure
// is logged and never fails the event.
func (h *Handler) report(ctx context.Context, status string) {
	if h.reporter == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, h.checkTimeout)
	defer cancel()
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("health reporter panicked: %v", p)
			}
		}()
		return h.reporter.ReportHealth(ctx, status)
	}()
	if err != nil {
		Logger(ctx).Warn("lift: health reporter failed; the event is answered anyway", "status", status, "error", err.Error())
	}
}

// appendWarmupResponse encodes r without reflection (the warm-up path must
// stay well under a microsecond). Field order and names follow the json tags
// of contract.WarmupResponse.
func appendWarmupResponse(b []byte, r contract.WarmupResponse) []byte {
	b = append(b, `{"lift":`...)
	b = jsonenc.AppendString(b, r.Lift)
	b = append(b, `,"instanceId":`...)
	b = jsonenc.AppendString(b, r.InstanceID)
	b = append(b, `,"coldStart":`...)
	b = strconv.AppendBool(b, r.ColdStart)
	if r.InitType != "" {
		b = append(b, `,"initType":`...)
		b = jsonenc.AppendString(b, r.InitType)
	}
	if r.Round != "" {
		b = append(b, `,"round":`...)
		b = jsonenc.AppendString(b, r.Round)
	}
	b = append(b, `,"heldMs":`...)
	b = strconv.AppendInt(b, r.HeldMs, 10)
	if len(r.Hooks) > 0 {
		b = append(b, `,"hooks":[`...)
		for i, t := range r.Hooks {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = jsonenc.AppendString(b, t.Name)
			b = append(b, `,"durationMs":`...)
			b = strconv.AppendFloat(b, t.DurationMs, 'f', -1, 64)
			if t.Error != "" {
				b = append(b, `,"error":`...)
				b = jsonenc.AppendString(b, t.Error)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
