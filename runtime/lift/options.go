package lift

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/health"
	"github.com/liftcdk/lift/runtime/metrics"
)

// Option configures Start and NewHandler.
type Option func(*config)

// HealthReporter receives this instance's health status after every health
// event and after every warm-up event (for example to update Cloud Map's
// custom health status). status is health.StatusPass, health.StatusWarn or
// health.StatusFail. An error is logged; it never fails the event.
type HealthReporter interface {
	ReportHealth(ctx context.Context, status string) error
}

type namedHook struct {
	name string
	fn   func(context.Context) error
}

type config struct {
	checks         []health.Check
	checkTimeout   time.Duration
	warmupHooks    []namedHook
	shutdownHooks  []namedHook
	shutdownBudget time.Duration
	reporter       HealthReporter
	lambdaOptions  []lambda.Option
	metrics        *metrics.Writer
	logWriter      io.Writer
	streamHTTP     bool
	errs           []error
}

// WithHealthCheck adds a check run on every health event, concurrently with
// the others and under its own timeout (see WithCheckTimeout). Return nil for
// pass, health.Warn(err) for warn, any other error for fail.
func WithHealthCheck(name string, check func(context.Context) error) Option {
	return func(c *config) {
		if err := validHook("WithHealthCheck", name, check); err != nil {
			c.errs = append(c.errs, err)
			return
		}
		c.checks = append(c.checks, health.Check{Name: name, Fn: check})
	}
}

// WithCheckTimeout bounds each health check (and each HealthReporter call).
// Default health.DefaultTimeout (2s).
func WithCheckTimeout(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("%w: lift.WithCheckTimeout(%v): the timeout must be positive, for example 2*time.Second", ErrInvalidConfig, d))
			return
		}
		c.checkTimeout = d
	}
}

// OnWarmup adds a hook run by the first warm-up event that reaches this
// process (open connections, TLS handshakes, DNS, first discovery). Hooks run
// in registration order, once per process: a hook that succeeded never runs
// again; a hook that failed is reported in that warm-up's response and logged,
// and runs again on the next warm-up event, because a warm-up's job is to make
// resources ready and a transient failure should not leave them cold for the
// life of the process. Concurrent warm-ups wait for the one running the hooks.
// A hook still running when the invocation is about to time out is reported
// as abandoned and not started again while it runs; the warm-up still answers.
func OnWarmup(name string, hook func(context.Context) error) Option {
	return func(c *config) {
		if err := validHook("OnWarmup", name, hook); err != nil {
			c.errs = append(c.errs, err)
			return
		}
		if slices.ContainsFunc(c.warmupHooks, func(h namedHook) bool { return h.name == name }) {
			c.errs = append(c.errs, fmt.Errorf("%w: lift.OnWarmup(%q): a warm-up hook with this name is already registered; names identify hooks in timings and logs, so make them unique", ErrInvalidConfig, name))
			return
		}
		c.warmupHooks = append(c.warmupHooks, namedHook{name, hook})
	}
}

// OnShutdown adds a hook run when Lambda shuts the environment down (SIGTERM)
// or local mode stops. Hooks run last-registered-first under one shared
// deadline (see WithShutdownBudget); a hook that overruns its share is
// abandoned and logged, and the remaining hooks still run.
func OnShutdown(name string, hook func(context.Context) error) Option {
	return func(c *config) {
		if err := validHook("OnShutdown", name, hook); err != nil {
			c.errs = append(c.errs, err)
			return
		}
		if slices.ContainsFunc(c.shutdownHooks, func(h namedHook) bool { return h.name == name }) {
			c.errs = append(c.errs, fmt.Errorf("%w: lift.OnShutdown(%q): a shutdown hook with this name is already registered; make names unique", ErrInvalidConfig, name))
			return
		}
		c.shutdownHooks = append(c.shutdownHooks, namedHook{name, hook})
	}
}

// WithShutdownBudget sets the total time all shutdown hooks may take. It wins
// over $LIFT_SHUTDOWN_BUDGET; default 400ms. At most 450ms: with the internal
// extension Lift registers, Lambda sends SIGKILL about 500ms after SIGTERM,
// and the last 50ms are kept for the final metric flush.
func WithShutdownBudget(d time.Duration) Option {
	return func(c *config) {
		if err := validBudget(d); err != nil {
			c.errs = append(c.errs, fmt.Errorf("%w: lift.WithShutdownBudget(%v): %s", ErrInvalidConfig, d, err))
			return
		}
		c.shutdownBudget = d
	}
}

// WithHealthReporter sets the reporter called after health and warm-up events,
// bounded by the check timeout. After a health event it receives the report's
// status; after a warm-up the health checks are run for it (only when a
// reporter is set) and the status is degraded to warn if a warm-up hook
// failed. Its error is logged and never fails the event.
func WithHealthReporter(r HealthReporter) Option {
	return func(c *config) {
		if r == nil {
			c.errs = append(c.errs, fmt.Errorf("%w: lift.WithHealthReporter(nil): pass a reporter or leave the option out", ErrInvalidConfig))
			return
		}
		c.reporter = r
	}
}

// WithLambdaOptions passes options to aws-lambda-go (JSON decoding such as
// lambda.WithDisallowUnknownFields, lambda.WithContextValue, ...). Lift
// enables lambda.WithEnableSIGTERM itself; do not pass it here.
func WithLambdaOptions(opts ...lambda.Option) Option {
	return func(c *config) { c.lambdaOptions = append(c.lambdaOptions, opts...) }
}

// WithMetrics sets the EMF writer for Lift's lifecycle metrics and the one
// flushed after every invocation. Default metrics.Default().
func WithMetrics(w *metrics.Writer) Option {
	return func(c *config) {
		if w != nil {
			c.metrics = w
		}
	}
}

// WithLogWriter sets where Lift's JSON logs go. Default os.Stdout.
func WithLogWriter(w io.Writer) Option {
	return func(c *config) {
		if w != nil {
			c.logWriter = w
		}
	}
}

func validHook(option, name string, fn func(context.Context) error) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: lift.%s: the name is empty; give it a name for logs, timings and reports", ErrInvalidConfig, option)
	case fn == nil:
		return fmt.Errorf("%w: lift.%s(%q): the function is nil", ErrInvalidConfig, option, name)
	}
	return nil
}

func validBudget(d time.Duration) error {
	switch {
	case d <= 0:
		return errors.New("the budget must be positive")
	case d > contract.MaxShutdownBudget:
		return fmt.Errorf("the budget exceeds %v: Lambda sends SIGKILL about 500ms after SIGTERM, and the final metric flush needs the rest", contract.MaxShutdownBudget)
	}
	return nil
}
