package discovery

import (
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"
)

// BreakerPolicy configures the circuit breaker kept for each instance. A zero
// field takes its default, as in RetryPolicy; a negative one is ErrInvalidConfig.
type BreakerPolicy struct {
	// ConsecutiveFailures opens the breaker. Default 5.
	ConsecutiveFailures uint32
	// OpenTimeout is how long an open breaker refuses calls before it lets
	// HalfOpenRequests probes through. Default 10s.
	OpenTimeout time.Duration
	// HalfOpenRequests is how many probes a half-open breaker allows; that many
	// consecutive successes close it. Default 1.
	HalfOpenRequests uint32
	// Interval clears the failure counts of a closed breaker. Default 60s.
	Interval time.Duration
}

// DefaultBreakerPolicy returns the policy used unless WithBreakerPolicy is given.
func DefaultBreakerPolicy() BreakerPolicy {
	return BreakerPolicy{ConsecutiveFailures: 5, OpenTimeout: 10 * time.Second, HalfOpenRequests: 1, Interval: time.Minute}
}

func (p BreakerPolicy) withDefaults() BreakerPolicy {
	d := DefaultBreakerPolicy()
	if p.ConsecutiveFailures == 0 {
		p.ConsecutiveFailures = d.ConsecutiveFailures
	}
	if p.OpenTimeout == 0 {
		p.OpenTimeout = d.OpenTimeout
	}
	if p.HalfOpenRequests == 0 {
		p.HalfOpenRequests = d.HalfOpenRequests
	}
	if p.Interval == 0 {
		p.Interval = d.Interval
	}
	return p
}

func (p BreakerPolicy) validate() error {
	if p.OpenTimeout < 0 || p.Interval < 0 {
		return fmt.Errorf("%w: discovery.BreakerPolicy%+v: durations must not be negative (0 takes the default)", ErrInvalidConfig, p)
	}
	return nil
}

// errExcluded marks an attempt that ended because the caller gave up; it
// tells nothing about the instance, so the breaker ignores it.
var errExcluded = errors.New("discovery: attempt abandoned by caller")

type breaker = gobreaker.TwoStepCircuitBreaker[struct{}]

// newBreaker builds a breaker for p, whose zero fields config.validate has filled.
func newBreaker(p BreakerPolicy, service, instanceID string, onChange func(to BreakerState)) *breaker {
	failures := p.ConsecutiveFailures
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        fmt.Sprintf("%s/%s", service, instanceID),
		MaxRequests: p.HalfOpenRequests,
		Interval:    p.Interval,
		Timeout:     p.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= failures },
		IsExcluded:  func(err error) bool { return errors.Is(err, errExcluded) },
		OnStateChange: func(_ string, _, to gobreaker.State) {
			onChange(to)
		},
	})
}

// BreakerState is the state of one instance's breaker, for introspection.
type BreakerState = gobreaker.State

// Breaker states.
const (
	BreakerClosed   = gobreaker.StateClosed
	BreakerHalfOpen = gobreaker.StateHalfOpen
	BreakerOpen     = gobreaker.StateOpen
)
