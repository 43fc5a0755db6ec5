package lift

import (
	"bytes"
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

// errHookAbandoned reports a hook still running near the invocation deadline.
var errHookAbandoned = fmt.Errorf("did not finish %v before the invocation deadline; abandoned, it may still be running", holdMargin)

// hookFailed is a failed hook's error in the warm-up answer.
const hookFailed = "failed; the function's log has the error"

// holdMargin is kept free before the invocation deadline so a held warm-up
// still answers instead of timing out.
const holdMargin = 50 * time.Millisecond

// Warm-up hook states.
const (
	hookPending int32 = iota // never run, or its last run failed
	hookRunning              // running, possibly abandoned by an earlier warm-up
	hookDone                 // succeeded: never runs again
)

// warmupState tracks the warm-up hooks of this process.
type warmupState struct {
	lock    chan struct{}  // one slot: the warm-up running hooks holds it; waiting respects ctx
	state   []atomic.Int32 // per hook: hookPending, hookRunning or hookDone
	allDone atomic.Bool    // fast path once every hook has succeeded
}

func (s *warmupState) init(n int) {
	s.lock = make(chan struct{}, 1)
	s.state = make([]atomic.Int32, n)
	s.allDone.Store(n == 0)
}

// warmup answers a warm-up event: hooks (once per process), the health
// report, then the hold, so the invocation is busy for about holdMs in total.
// Without a valid token the hold is capped at unauthenticatedHold.
func (h *Handler) warmup(ctx context.Context, ev controlEvent, cold, authenticated bool) ([]byte, error) {
	hold := ev.warmupEvent().Hold()
	if !authenticated {
		hold = min(hold, unauthenticatedHold)
	}
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
	if len(timings) == 0 { // the steady state: pre-rendered parts, no hooks
		return h.appendWarmupFast(make([]byte, 0, len(h.warmupPrefix)+64+len(ev.round)), cold, ev.round, held.Milliseconds()), nil
	}
	return appendWarmupResponse(make([]byte, 0, 256), contract.WarmupResponse{
		Lift:       contract.ControlWarmup,
		InstanceID: h.instanceID,
		ColdStart:  cold,
		InitType:   h.initType,
		Round:      ev.round,
		HeldMs:     held.Milliseconds(),
		Hooks:      timings,
	}), nil
}

// renderWarmupParts pre-renders what every warm-up response of this process
// shares; call it whenever initType changes.
func (h *Handler) renderWarmupParts() {
	h.warmupPrefix = appendWarmupResponse(nil, contract.WarmupResponse{Lift: contract.ControlWarmup, InstanceID: h.instanceID})
	h.warmupPrefix = h.warmupPrefix[:bytes.Index(h.warmupPrefix, []byte(`false`))] // up to the coldStart value
	h.warmupInitType = nil
	if h.initType != "" {
		h.warmupInitType = jsonenc.AppendString([]byte(`,"initType":`), h.initType)
	}
}

// appendWarmupFast encodes a warm-up response without hooks from the
// pre-rendered parts; the output equals appendWarmupResponse's.
func (h *Handler) appendWarmupFast(b []byte, cold bool, round string, heldMs int64) []byte {
	b = append(b, h.warmupPrefix...)
	b = strconv.AppendBool(b, cold)
	b = append(b, h.warmupInitType...)
	if round != "" {
		b = append(b, `,"round":`...)
		b = jsonenc.AppendString(b, round)
	}
	b = append(b, `,"heldMs":`...)
	b = strconv.AppendInt(b, heldMs, 10)
	return append(b, '}')
}

// runWarmupHooks runs, in registration order, every hook that has not yet
// succeeded, and returns their timings. A hook that is still running when
// the invocation is about to time out is abandoned: the warm-up answers (a
// timed-out invocation would cost the environment a restart), the hook keeps
// its state "running" so no later warm-up starts it twice, and if it then
// fails (its context ends with the invocation) it runs again next time.
func (h *Handler) runWarmupHooks(ctx context.Context) []contract.HookTiming {
	select {
	case h.warm.lock <- struct{}{}:
	case <-ctx.Done():
		Logger(ctx).Warn("lift: warm-up gave up waiting for a concurrent warm-up's hooks", "error", context.Cause(ctx).Error())
		return nil
	}
	defer func() { <-h.warm.lock }()
	// Stop waiting for hooks in time to answer before the invocation deadline.
	wait := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		wait, cancel = context.WithDeadline(ctx, dl.Add(-holdMargin))
		defer cancel()
	}
	var timings []contract.HookTiming
	all := true
	for i, hk := range h.warmupHooks {
		st := &h.warm.state[i]
		switch st.Load() {
		case hookDone:
			continue
		case hookRunning:
			all = false
			timings = append(timings, contract.HookTiming{Name: hk.name, Error: "still running since an earlier warm-up abandoned it"})
			continue
		}
		st.Store(hookRunning)
		t0 := time.Now()
		result := make(chan error, 1) // buffered: an abandoned hook can still finish
		go func() {
			err := callHook(ctx, hk)
			if err == nil {
				st.Store(hookDone)
			} else {
				st.Store(hookPending)
			}
			result <- err
		}()
		var err error
		select {
		case err = <-result:
		case <-wait.Done():
			err = errHookAbandoned
		}
		d := time.Since(t0)
		t := contract.HookTiming{Name: hk.name, DurationMs: float64(d.Microseconds()) / 1000}
		h.metrics.Emit([]metrics.Dimension{h.service}, contract.MetricWarmupHookDuration, metrics.Milliseconds, t.DurationMs)
		if err != nil {
			// The caller learns that the hook failed; its error text, which may
			// name hosts and users, goes to the log only.
			t.Error = hookFailed
			if err == errHookAbandoned {
				t.Error = err.Error()
			}
			all = false
			Logger(ctx).Error("lift: warm-up hook failed; it runs again on the next warm-up", "hook", hk.name, "durationMs", t.DurationMs, "error", err.Error())
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
// of WarmupResponse.
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
