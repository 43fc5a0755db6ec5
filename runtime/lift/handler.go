package lift

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/health"
	"github.com/liftcdk/lift/runtime/metrics"
)

// Handler is the lambda.Handler that Start runs: it answers control events
// itself and passes every other invocation to the user's handler, with cold
// start detection, panic recovery and metrics around it. NewHandler builds one
// for tests, benchmarks or a custom runtime loop; Start is the usual entry.
// A Handler is safe for concurrent invocations.
type Handler struct {
	inner   lambda.Handler
	log     *slog.Logger
	metrics *metrics.Writer
	service metrics.Dimension

	instanceID  string
	initType    string
	coldPending atomic.Bool // true until the first invocation of an on-demand init
	// concurrent is set when invocations overlap (AWS_LAMBDA_MAX_CONCURRENCY > 1,
	// local mode). aws-lambda-go's Handler.Invoke returns the bytes of a pooled
	// buffer it has already put back, so a concurrent invocation on the same
	// handler can overwrite them before they are sent. Each overlapping
	// invocation therefore borrows its own inner handler from inners and copies
	// the bytes out before returning it.
	concurrent bool
	inners     sync.Pool // of lambda.Handler, used when concurrent

	coldStarts, panics                *metrics.Counter
	warmups, healthChecks, healthBad  *metrics.Counter
	shutdownAbandoned, controlRefused *metrics.Counter

	auth controlAuth

	checks       []health.Check
	checkTimeout time.Duration
	reporter     HealthReporter

	warmupHooks    []namedHook
	warm           warmupState
	warmupPrefix   []byte // pre-rendered `{"lift":"warmup","instanceId":"..","coldStart":`
	warmupInitType []byte // pre-rendered `,"initType":".."`, empty without one

	shutdownHooks  []namedHook
	shutdownBudget time.Duration
	shutdownOnce   sync.Once
	shutdownErr    error

	lambdaOptions []lambda.Option

	web        *httpAdapter // set by NewHTTPHandler: serves plain HTTP in local and server modes
	streaming  bool         // answers may stream: see loopHandler
	streamHTTP bool         // WithResponseStreaming
}

// NewHandler wraps handler (any signature aws-lambda-go's lambda.Start
// accepts, or a lambda.Handler) with Lift's lifecycle. It reads and validates
// the LIFT_* environment once; a bad option or variable returns an error
// wrapping ErrInvalidConfig that names it, its value and the fix.
func NewHandler(handler any, opts ...Option) (*Handler, error) {
	return newHandler(handler, os.Getenv, opts...)
}

func newHandler(handler any, getenv func(string) string, opts ...Option) (*Handler, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	env, envErr := readEnv(getenv)
	if err := validateHandler(handler); err != nil {
		c.errs = append(c.errs, err)
	}
	if envErr != nil {
		c.errs = append(c.errs, envErr)
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	if c.metrics == nil {
		c.metrics = metrics.Default()
	}
	if c.logWriter == nil {
		c.logWriter = os.Stdout
	}
	if c.checkTimeout == 0 {
		c.checkTimeout = health.DefaultTimeout
	}
	if c.shutdownBudget == 0 {
		c.shutdownBudget = env.shutdownBudget
	}
	handler, streams := captureStreams(handler)
	svc := serviceDimension(getenv)
	w := c.metrics
	h := &Handler{
		inner:             lambda.NewHandlerWithOptions(handler, c.lambdaOptions...),
		metrics:           w,
		service:           svc,
		instanceID:        InstanceID(),
		initType:          env.initType,
		concurrent:        lambdacontext.MaxConcurrency() > 1,
		coldStarts:        w.Counter(contract.MetricColdStart, svc),
		panics:            w.Counter(contract.MetricHandlerPanics, svc),
		warmups:           w.Counter(contract.MetricWarmups, svc),
		healthChecks:      w.Counter(contract.MetricHealthChecks, svc),
		healthBad:         w.Counter(contract.MetricHealthFailed, svc),
		shutdownAbandoned: w.Counter(contract.MetricShutdownAbandoned, svc),
		controlRefused:    w.Counter(contract.MetricControlRefused, svc),
		auth:              env.controlAuth,
		checks:            c.checks,
		checkTimeout:      c.checkTimeout,
		reporter:          c.reporter,
		warmupHooks:       c.warmupHooks,
		shutdownHooks:     c.shutdownHooks,
		shutdownBudget:    c.shutdownBudget,
		lambdaOptions:     c.lambdaOptions,
		streaming:         streams || c.streamHTTP,
		streamHTTP:        c.streamHTTP,
	}
	// Only an on-demand init is a user-facing cold start; provisioned
	// concurrency and SnapStart inits happen before any request waits.
	h.inners.New = func() any { return lambda.NewHandlerWithOptions(handler, c.lambdaOptions...) }
	h.coldPending.Store(env.initType == initOnDemand)
	h.warm.init(len(c.warmupHooks))
	h.renderWarmupParts()
	h.log = newLogger(c.logWriter, env.logLevel, h.instanceID, svc.Value)
	setCurrentLogger(h.log)
	return h, nil
}

// Invoke implements lambda.Handler.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	cold := h.coldPending.Load() && h.coldPending.CompareAndSwap(true, false)
	if bytes.Contains(payload, liftKey) {
		ev, err := parseControl(payload)
		if err != nil || ev.kind != notControl {
			return h.control(ctx, ev, err, cold)
		}
	}
	return h.invoke(ctx, payload, cold)
}

func (h *Handler) invoke(ctx context.Context, payload []byte, cold bool) (resp []byte, err error) {
	if cold {
		ctx = context.WithValue(ctx, coldStartKey{}, true)
		h.coldStarts.Add(1)
	}
	ctx, sp := startInvocationSpan(ctx, cold, payload, h.web != nil)
	defer func() {
		switch p := recover(); {
		case p != nil:
			resp, err = nil, h.recovered(ctx, p)
		case err != nil:
			logHandlerError(ctx, err)
		case len(resp) > maxResponse:
			resp, err = nil, responseTooLarge(ctx, len(resp))
		}
		if !sp.Recording() || !handSpanToStream(ctx, sp, err) {
			sp.End(err)
		}
		h.flush()
	}()
	if !h.concurrent {
		return h.inner.Invoke(ctx, payload)
	}
	return h.invokeIsolated(ctx, payload)
}

// invokeIsolated runs one overlapping invocation on an inner handler no other
// invocation uses meanwhile, and copies the response out of its buffer pool.
func (h *Handler) invokeIsolated(ctx context.Context, payload []byte) ([]byte, error) {
	inner := h.inners.Get().(lambda.Handler)
	defer h.inners.Put(inner)
	resp, err := inner.Invoke(ctx, payload)
	if resp != nil {
		resp = bytes.Clone(resp)
	}
	return resp, err
}

// control answers a control event; it never reaches the user's handler.
func (h *Handler) control(ctx context.Context, ev controlEvent, parseErr error, cold bool) (resp []byte, err error) {
	if cold {
		ctx = context.WithValue(ctx, coldStartKey{}, true)
	}
	defer func() {
		if p := recover(); p != nil { // a reporter or encoder bug must not kill the process
			resp, err = nil, h.recovered(ctx, p)
		}
		h.flush()
	}()
	if parseErr != nil {
		Logger(ctx).Warn("lift: rejected control event", "error", parseErr.Error())
		return nil, parseErr
	}
	authenticated := h.auth.authenticated(ev.token)
	if !authenticated && h.auth.required {
		return nil, h.refuse(ctx, ev)
	}
	if ev.kind == controlWarmup {
		return h.warmup(ctx, ev, cold, authenticated)
	}
	return h.health(ctx)
}

// InstanceID returns the id of this process, the same as the package-level
// InstanceID; it is in every warm-up and health response.
func (h *Handler) InstanceID() string { return h.instanceID }

func serviceDimension(getenv func(string) string) metrics.Dimension {
	v := getenv(contract.EnvService)
	if v == "" {
		v = getenv("AWS_LAMBDA_FUNCTION_NAME")
	}
	if v == "" {
		v = "unknown"
	}
	return metrics.Dimension{Name: contract.DimService, Value: v}
}

var contextType = reflect.TypeFor[context.Context]()
var errorType = reflect.TypeFor[error]()

// validateHandler applies aws-lambda-go's signature rules at init, so a bad
// handler fails the init with a clear message instead of every invocation.
func validateHandler(handler any) error {
	if handler == nil {
		return fmt.Errorf("%w: lift.Start(nil): pass your handler function", ErrInvalidConfig)
	}
	if _, ok := handler.(lambda.Handler); ok {
		return nil
	}
	t := reflect.TypeOf(handler)
	bad := func(why string) error {
		return fmt.Errorf("%w: lift.Start: handler of type %v %s; use a signature such as func(context.Context, TIn) (TOut, error)", ErrInvalidConfig, t, why)
	}
	if t.Kind() != reflect.Func {
		return bad("is not a function")
	}
	switch {
	case t.NumIn() > 2:
		return bad("takes more than two arguments")
	case t.NumIn() == 2 && t.In(0) != contextType:
		return bad("takes two arguments but the first is not context.Context")
	case t.NumOut() > 2:
		return bad("returns more than two values")
	case t.NumOut() > 0 && !t.Out(t.NumOut()-1).Implements(errorType):
		return bad("does not return error as its last result")
	}
	return nil
}

// flush writes pending metrics: Lift's writer and, when that is another one,
// metrics.Default(), where libraries count (cache hits, discovery calls).
func (h *Handler) flush() {
	h.metrics.Flush()
	if d := metrics.Default(); d != h.metrics {
		d.Flush()
	}
}
