package warmer

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// fakeLambda models Lambda's routing closely enough to test the warmer: an
// invoke goes to an idle environment when one exists, else a new one is
// created (or the invoke is throttled at the function's concurrency limit).
// An environment stays busy for the event's hold — or, with releaseAt set,
// until that many of the function's environments are busy at once, which
// makes overlap deterministic instead of a race against the clock.
type fakeLambda struct {
	mu    sync.Mutex
	funcs map[string]*fakeFunction

	inflight, maxInflight atomic.Int64
	calls                 atomic.Int64

	recMu     sync.Mutex
	deadlines []time.Time
	holds     []int
	rounds    map[string]bool
	tokens    map[string]map[string]bool // by function ARN, the tokens its events carried
	retries   []int
}

type fakeFunction struct {
	// settings
	maxEnvs    int           // concurrency limit; 0 = unlimited
	releaseAt  int           // hold ends once this many environments are busy; 0 = hold only
	reuseFirst int           // the first N invokes answer environment 0 at once (a wave that did not overlap)
	failFirst  int           // the first N invokes answer a function error
	hangFirst  int           // the first N invokes hang until their context ends
	badAnswer  bool          // answer JSON that is not a warm-up response
	latency    time.Duration // network round trip added to every answer

	mu      sync.Mutex
	n       int
	barrier int // bumped each time releaseAt environments are busy together
	busy    []bool
	changed chan struct{}
}

func newFake() *fakeLambda {
	return &fakeLambda{funcs: map[string]*fakeFunction{}, rounds: map[string]bool{}, tokens: map[string]map[string]bool{}}
}

func (f *fakeLambda) add(arn string, fn *fakeFunction) {
	fn.changed = make(chan struct{})
	f.mu.Lock()
	f.funcs[arn] = fn
	f.mu.Unlock()
}

func (f *fakeLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	cur := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxInflight.Load()
		if cur <= m || f.maxInflight.CompareAndSwap(m, cur) {
			break
		}
	}
	f.calls.Add(1)
	opts := lambda.Options{RetryMaxAttempts: 3}
	for _, o := range optFns {
		o(&opts)
	}
	var ev contract.WarmupEvent
	if err := json.Unmarshal(in.Payload, &ev); err != nil || ev.Lift != contract.ControlWarmup {
		return nil, fmt.Errorf("fake: payload %q is not a warm-up event", in.Payload)
	}
	d, _ := ctx.Deadline()
	f.recMu.Lock()
	f.deadlines = append(f.deadlines, d)
	f.holds = append(f.holds, ev.HoldMs)
	f.rounds[ev.Round] = true
	if f.tokens[aws.ToString(in.FunctionName)] == nil {
		f.tokens[aws.ToString(in.FunctionName)] = map[string]bool{}
	}
	f.tokens[aws.ToString(in.FunctionName)][ev.Token] = true
	f.retries = append(f.retries, opts.RetryMaxAttempts)
	f.recMu.Unlock()

	f.mu.Lock()
	fn := f.funcs[aws.ToString(in.FunctionName)]
	f.mu.Unlock()
	if fn == nil {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no such function " + aws.ToString(in.FunctionName))}
	}
	return fn.invoke(ctx, ev)
}

func (fn *fakeFunction) invoke(ctx context.Context, ev contract.WarmupEvent) (*lambda.InvokeOutput, error) {
	fn.mu.Lock()
	fn.n++
	n := fn.n
	switch {
	case n <= fn.reuseFirst:
		fn.mu.Unlock()
		return answer("env-0", ev)
	case n <= fn.failFirst:
		fn.mu.Unlock()
		return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"boom"}`)}, nil
	case n <= fn.hangFirst:
		fn.mu.Unlock()
		<-ctx.Done()
		return nil, fmt.Errorf("operation error Lambda: Invoke: %w", ctx.Err())
	}
	env := -1
	for i, b := range fn.busy {
		if !b {
			env = i
			break
		}
	}
	if env < 0 {
		if fn.maxEnvs > 0 && len(fn.busy) >= fn.maxEnvs {
			fn.mu.Unlock()
			return nil, &types.TooManyRequestsException{Message: aws.String("Rate Exceeded."), Reason: types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded}
		}
		fn.busy = append(fn.busy, false)
		env = len(fn.busy) - 1
	}
	seen := fn.barrier
	fn.busy[env] = true
	if fn.releaseAt > 0 && fn.busyLocked() >= fn.releaseAt {
		fn.barrier++
	}
	fn.notifyLocked()
	fn.mu.Unlock()

	fn.hold(ctx, ev.Hold(), seen)
	if fn.latency > 0 {
		time.Sleep(fn.latency)
	}

	fn.mu.Lock()
	fn.busy[env] = false
	fn.notifyLocked()
	fn.mu.Unlock()
	if fn.badAnswer {
		return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"statusCode":200}`)}, nil
	}
	return answer(fmt.Sprintf("env-%d", env), ev)
}

// hold keeps the environment busy for the hold, or until releaseAt
// environments have been busy together since it started, or the context ends.
func (fn *fakeFunction) hold(ctx context.Context, d time.Duration, seen int) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		fn.mu.Lock()
		released := fn.barrier != seen
		ch := fn.changed
		fn.mu.Unlock()
		if released {
			return
		}
		select {
		case <-ch:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

func (fn *fakeFunction) busyLocked() int {
	n := 0
	for _, b := range fn.busy {
		if b {
			n++
		}
	}
	return n
}

func (fn *fakeFunction) notifyLocked() {
	close(fn.changed)
	fn.changed = make(chan struct{})
}

func answer(id string, ev contract.WarmupEvent) (*lambda.InvokeOutput, error) {
	b, _ := json.Marshal(contract.WarmupResponse{Lift: contract.ControlWarmup, InstanceID: id, Round: ev.Round, HeldMs: int64(ev.HoldMs)})
	return &lambda.InvokeOutput{StatusCode: 200, Payload: b}, nil
}

// recordingMetrics keeps every emitted value by target and metric.
type recordingMetrics struct {
	mu   sync.Mutex
	vals map[string]float64
}

func (r *recordingMetrics) Emit(dims []metrics.Dimension, name string, unit metrics.Unit, value float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.vals == nil {
		r.vals = map[string]float64{}
	}
	key := name
	for _, d := range dims {
		key += "/" + d.Name + "=" + d.Value
	}
	if unit != metrics.Count {
		key += "/unit=" + string(unit)
	}
	r.vals[key] = value
}

func (r *recordingMetrics) get(target, name string) (float64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.vals[name+"/"+contract.DimTarget+"="+target]
	return v, ok
}

func arn(name string) string {
	return "arn:aws:lambda:us-east-1:123456789012:function:" + name + ":live"
}
