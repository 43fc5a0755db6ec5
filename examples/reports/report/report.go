// Package report is the reports example's job: the request POST /reports
// accepts, the report GET /reports/{id} returns once the job succeeded, and
// the work that turns one into the other. The API (../api) and the worker
// (../worker) both import it, so they agree on the job's shape.
package report

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"time"

	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/web"
)

// Request is a job's input: the month to report on.
type Request struct {
	Month string `json:"month"`         // YYYY-MM
	Top   int    `json:"top,omitempty"` // best sellers to list, 1-10; default DefaultTop
}

// DefaultTop is how many best sellers a report lists unless asked.
const DefaultTop = 3

// Report is a finished job's result.
type Report struct {
	Month        string    `json:"month"`
	Orders       int       `json:"orders"`
	RevenueCents int64     `json:"revenueCents"`
	TopProducts  []Product `json:"topProducts"`
}

// Product is one best seller of the month.
type Product struct {
	SKU  string `json:"sku"`
	Sold int    `json:"sold"`
}

//go:embed request.schema.json
var schemaJSON []byte

// Schema is what POST /reports accepts (JSON Schema 2020-12).
var Schema = web.MustCompileSchema("request.schema.json", schemaJSON)

// MaxRequestBytes bounds a POST /reports body.
const MaxRequestBytes = 1 << 10

// Defaults of Generator: 12 steps of 3 s, so a report takes 36 s, longer
// than an API Gateway integration may wait (29 s).
const (
	DefaultSteps     = 12
	DefaultStepDelay = 3 * time.Second
)

// EnvStepDelay overrides DefaultStepDelay in the worker (a Go duration, e.g.
// "500ms"); the integration tests shorten the work with it.
const EnvStepDelay = "REPORTS_STEP_DELAY"

// FirstMonth is the first month with sales data: earlier months fail.
const FirstMonth = "2020-01"

// Generator builds reports. Its zero value uses the defaults.
type Generator struct {
	Steps     int
	StepDelay time.Duration
	// Now decides which months have ended. Default time.Now.
	Now func() time.Time
}

// GeneratorFromEnv is a Generator with EnvStepDelay applied.
func GeneratorFromEnv() (Generator, error) {
	g := Generator{}
	if v, ok := os.LookupEnv(EnvStepDelay); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > time.Minute {
			return g, fmt.Errorf("report: %s=%q: want a positive duration up to 1m, e.g. 500ms", EnvStepDelay, v)
		}
		g.StepDelay = d
	}
	return g, nil
}

// Work reads the month's orders step by step, reporting progress after each
// step, and sums them up. It stands in for a real report: the orders are
// made up from the month, so the same month always gives the same report.
// A month before FirstMonth or one that has not ended fails with a
// jobs.PublicError, on every attempt (a poison message).
func (g Generator) Work(ctx context.Context, in Request, progress jobs.Report) (Report, error) {
	steps, delay, now := g.Steps, g.StepDelay, g.Now
	if steps <= 0 {
		steps = DefaultSteps
	}
	if delay == 0 {
		delay = DefaultStepDelay
	}
	if now == nil {
		now = time.Now
	}
	start, err := time.Parse("2006-01", in.Month)
	if err != nil {
		return Report{}, &jobs.PublicError{Message: fmt.Sprintf("month %q is not YYYY-MM", in.Month)}
	}
	log := lift.Logger(ctx).With("month", in.Month)
	log.Info("report started", "steps", steps, "stepDelay", delay.String())
	switch {
	case in.Month < FirstMonth:
		return Report{}, &jobs.PublicError{Message: fmt.Sprintf("no sales data for %s: the data starts in %s", in.Month, FirstMonth)}
	case !start.AddDate(0, 1, 0).Before(now()):
		return Report{}, &jobs.PublicError{Message: fmt.Sprintf("%s has not ended yet", in.Month)}
	}
	top := in.Top
	if top <= 0 {
		top = DefaultTop
	}
	sales := newSales(in.Month)
	for step := 1; step <= steps; step++ {
		if err := sleep(ctx, delay); err != nil {
			return Report{}, err
		}
		sales.read(step)
		if err := progress(ctx, step*100/steps, fmt.Sprintf("read part %d of %d of the month's orders", step, steps)); err != nil {
			return Report{}, fmt.Errorf("report %s: record progress: %w", in.Month, err)
		}
	}
	out := sales.report(in.Month, top)
	log.Info("report completed", "orders", out.Orders)
	return out, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// StatusURL is where a job's status is read: GET /reports/{id}.
func StatusURL(id string) string { return "/reports/" + id }

// Runner runs report jobs.
type Runner = jobs.Runner[Request, Report]

// NewRunner is the reports runner on cfg: the API submits through it and
// reads status, the worker runs g.Work through it.
func NewRunner(cfg jobs.Config, g Generator) (*Runner, error) {
	cfg.StatusURL = StatusURL
	return jobs.New(cfg, g.Work)
}

// RunnerFromEnv is NewRunner on the service's queue and DynamoDB tier, from
// the LIFT_JOBS_* and LIFT_CACHE_* variables the stack sets on both
// functions (jobs.ConfigFromEnv); a missing one fails naming it. Call it
// once, at init.
func RunnerFromEnv(ctx context.Context, g Generator) (*Runner, error) {
	cfg, err := jobs.ConfigFromEnv(ctx, dynamostore.Backend())
	if err != nil {
		return nil, err
	}
	return NewRunner(cfg, g)
}
