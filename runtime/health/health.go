// Package health runs health checks and reports them in the shape of the IETF
// "Health Check Response Format for HTTP APIs" draft (Response).
//
// Every check runs concurrently under its own timeout. A check that ignores
// its context and overruns is abandoned (reported as fail) rather than waited
// on, so a health event always answers within the timeout.
package health

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultTimeout bounds each check when Run is given no timeout.
const DefaultTimeout = 2 * time.Second

// Check is one named health check. Fn returns nil for pass, an error wrapped
// with Warn for warn, and any other error for fail.
type Check struct {
	Name string
	Fn   func(context.Context) error
}

// ErrTimeout is reported (wrapped) by a check that did not return in time.
var ErrTimeout = errors.New("health check timed out")

// Run runs every check concurrently, each under its own timeout (DefaultTimeout
// when timeout <= 0, and never beyond ctx's deadline), and returns the report.
// The top-level status is the worst of the checks: fail, then warn, then pass.
// With no checks the status is pass. ServiceID and InstanceID are left for the
// caller to fill.
func Run(ctx context.Context, checks []Check, timeout time.Duration) Response {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	report := Response{
		Status: StatusPass,
		Checks: make(map[string][]CheckResult, len(checks)),
	}
	results := make([]CheckResult, len(checks))
	done := make(chan struct{}, len(checks))
	for i, c := range checks {
		go func() {
			results[i] = runOne(ctx, c, timeout)
			done <- struct{}{}
		}()
	}
	for range checks {
		<-done
	}
	for _, r := range results {
		report.Checks[r.ComponentID] = append(report.Checks[r.ComponentID], r)
		report.Status = Worst(report.Status, r.Status)
	}
	return report
}

// runOne runs a check in its own goroutine and stops waiting when its timeout
// passes: a check that ignores its context cannot hold the report hostage.
func runOne(ctx context.Context, c Check, timeout time.Duration) CheckResult {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	errc := make(chan error, 1) // buffered: an abandoned check can still finish and exit
	go func() {
		defer func() {
			if p := recover(); p != nil {
				errc <- fmt.Errorf("health check %q panicked: %v", c.Name, p)
			}
		}()
		if c.Fn == nil {
			errc <- fmt.Errorf("health check %q has no function", c.Name)
			return
		}
		errc <- c.Fn(ctx)
	}()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		err = fmt.Errorf("%w after %v (%v); the check was abandoned", ErrTimeout, time.Since(start).Round(time.Millisecond), context.Cause(ctx))
	}
	end := time.Now()
	r := CheckResult{
		ComponentID:   c.Name,
		Status:        StatusOf(err),
		ObservedValue: float64(end.Sub(start).Microseconds()) / 1000,
		ObservedUnit:  "ms",
		Time:          end.UTC().Format(time.RFC3339Nano),
	}
	if err != nil {
		r.Output = err.Error()
	}
	return r
}

// StatusOf maps a check's error to its status: nil is pass, an error marked
// with Warn is warn, anything else is fail.
func StatusOf(err error) string {
	switch {
	case err == nil:
		return StatusPass
	case IsWarn(err):
		return StatusWarn
	default:
		return StatusFail
	}
}

// Worst returns the more severe of two statuses (fail > warn > pass).
// An unknown status counts as fail.
func Worst(a, b string) string {
	if severity(b) > severity(a) {
		return b
	}
	return a
}

func severity(s string) int {
	switch s {
	case StatusPass:
		return 0
	case StatusWarn:
		return 1
	default:
		return 2
	}
}
