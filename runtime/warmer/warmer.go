package warmer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"golang.org/x/sync/semaphore"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// Defaults for the fields of Input left at zero.
const (
	DefaultHold        = 300 * time.Millisecond
	DefaultBudget      = 60 * time.Second
	DefaultParallelism = 100
	// MaxParallelism bounds Parallelism whatever the input asks.
	MaxParallelism = 1000
	// DefaultInitAllowance is added to the hold to form the per-invoke timeout:
	// a cold environment's init (Lambda allows 10 s) plus warm-up hooks.
	DefaultInitAllowance = 10 * time.Second
	// DefaultMaxWaves is the first wave plus two retries of the shortfall.
	DefaultMaxWaves = 3
	// finishReserve is kept before the invocation's deadline to emit metrics
	// and return the report.
	finishReserve = time.Second
)

// ErrInvalidTarget marks a target the warmer refused to invoke; Run still
// warms the valid ones and returns this error joined for each bad target.
var ErrInvalidTarget = errors.New("warmer: invalid target")

// Invoker is the part of the AWS SDK's Lambda client the warmer uses
// (*lambda.Client satisfies it).
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// MetricsEmitter receives one value per metric per target and run
// (*metrics.Writer satisfies it).
type MetricsEmitter interface {
	Emit(dims []metrics.Dimension, name string, unit metrics.Unit, value float64)
}

// Warmer runs warm-up rounds. It is safe for concurrent use; build it once.
type Warmer struct {
	invoker       Invoker
	metrics       MetricsEmitter
	logger        *slog.Logger
	roundID       func(context.Context) string
	initAllowance time.Duration
	maxWaves      int
	now           func() time.Time
}

// Option configures a Warmer.
type Option func(*Warmer)

// WithMetrics sets where the per-target metrics go. Default metrics.Default().
func WithMetrics(m MetricsEmitter) Option { return func(w *Warmer) { w.metrics = m } }

// WithLogger sets the logger for per-target outcomes. Default slog.Default().
func WithLogger(l *slog.Logger) Option { return func(w *Warmer) { w.logger = l } }

// WithRoundID sets how a run names its round (echoed by every target). Default:
// 16 random hex digits. The Lambda main uses the request id.
func WithRoundID(f func(context.Context) string) Option { return func(w *Warmer) { w.roundID = f } }

// WithInitAllowance sets the time allowed per invoke beyond the hold (cold
// init plus warm-up hooks). Default DefaultInitAllowance.
func WithInitAllowance(d time.Duration) Option { return func(w *Warmer) { w.initAllowance = d } }

// WithMaxWaves bounds the waves per target, the first included. Default DefaultMaxWaves.
func WithMaxWaves(n int) Option { return func(w *Warmer) { w.maxWaves = n } }

// New returns a Warmer that invokes through inv.
func New(inv Invoker, opts ...Option) *Warmer {
	w := &Warmer{
		invoker:       inv,
		initAllowance: DefaultInitAllowance,
		maxWaves:      DefaultMaxWaves,
		now:           time.Now,
	}
	for _, o := range opts {
		o(w)
	}
	if w.metrics == nil {
		w.metrics = metrics.Default()
	}
	if w.logger == nil {
		w.logger = slog.Default()
	}
	if w.roundID == nil {
		w.roundID = randomRound
	}
	if w.initAllowance <= 0 {
		w.initAllowance = DefaultInitAllowance
	}
	if w.maxWaves < 1 {
		w.maxWaves = 1
	}
	return w
}

// settings are the input's knobs with defaults applied.
type settings struct {
	hold        time.Duration
	parallelism int
	deadline    time.Time
}

func (w *Warmer) settings(ctx context.Context, in Input, targets []Target) settings {
	s := settings{hold: DefaultHold, parallelism: DefaultParallelism}
	if in.HoldMs > 0 {
		s.hold = contract.WarmupEvent{HoldMs: in.HoldMs}.Hold()
	}
	if in.Parallelism > 0 {
		s.parallelism = min(in.Parallelism, MaxParallelism)
	}
	// A wave must run all its invokes at once or they cannot overlap: the
	// semaphore is never smaller than the largest target.
	for _, t := range targets {
		s.parallelism = max(s.parallelism, t.Concurrency)
	}
	budget := DefaultBudget
	if in.BudgetMs > 0 {
		budget = time.Duration(in.BudgetMs) * time.Millisecond
	}
	s.deadline = w.now().Add(budget)
	if d, ok := ctx.Deadline(); ok && d.Add(-finishReserve).Before(s.deadline) {
		s.deadline = d.Add(-finishReserve)
	}
	return s
}

// Run warms every target once and returns what each reached. Invalid targets
// are reported with Failed equal to Asked and their errors are returned joined
// (each wraps ErrInvalidTarget); valid targets are warmed regardless. Run also
// emits WarmerAsked, WarmerWarmed, WarmerFailed and WarmerShortfall per target.
func (w *Warmer) Run(ctx context.Context, in Input) (Report, error) {
	round := w.roundID(ctx)
	valid, invalid := validateTargets(in.Targets)
	s := w.settings(ctx, in, valid)
	ctx, cancel := context.WithDeadline(ctx, s.deadline)
	defer cancel()

	sem := semaphore.NewWeighted(int64(s.parallelism))
	report := Report{Round: round, Targets: make([]TargetReport, len(in.Targets))}
	var wg sync.WaitGroup
	for i, t := range in.Targets {
		if err, bad := invalid[i]; bad {
			report.Targets[i] = TargetReport{Name: t.Name, Asked: max(t.Concurrency, 0), Failed: max(t.Concurrency, 0)}
			w.logger.LogAttrs(ctx, slog.LevelError, "warmer target refused", slog.String("target", t.Name), slog.String("error", err.Error()))
			continue
		}
		wg.Go(func() {
			report.Targets[i] = w.warmTarget(ctx, sem, s, round, t)
		})
	}
	wg.Wait()

	var errs []error
	for i := range in.Targets {
		if err, bad := invalid[i]; bad {
			errs = append(errs, err)
		}
		w.emit(report.Targets[i])
	}
	return report, errors.Join(errs...)
}

func (w *Warmer) emit(r TargetReport) {
	dims := []metrics.Dimension{{Name: contract.DimTarget, Value: r.Name}}
	w.metrics.Emit(dims, contract.MetricWarmerAsked, metrics.Count, float64(r.Asked))
	w.metrics.Emit(dims, contract.MetricWarmerWarmed, metrics.Count, float64(r.Warmed))
	w.metrics.Emit(dims, contract.MetricWarmerFailed, metrics.Count, float64(r.Failed))
	w.metrics.Emit(dims, contract.MetricWarmerShortfall, metrics.Count, float64(max(r.Asked-r.Warmed, 0)))
}

func randomRound(context.Context) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
