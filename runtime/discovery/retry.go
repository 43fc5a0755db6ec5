package discovery

import (
	"context"
	"fmt"
	"time"
)

// RetryPolicy governs retries of calls marked Idempotent. Calls that are not
// idempotent are attempted once (an instance refused by its open breaker is
// never attempted, so moving to another one is not a retry). A zero field
// takes its default, as in BreakerPolicy; a negative one is ErrInvalidConfig.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt; 1 disables retries. Default 3.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry; it doubles each retry.
	// Default 25ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff. Default 1s, or BaseDelay if that is longer.
	MaxDelay time.Duration
	// MinAttemptTime is the least time a retry must have left before the
	// caller's deadline; with less, the last error is returned instead.
	// Default 50ms.
	MinAttemptTime time.Duration
}

// DefaultRetryPolicy returns the policy used unless WithRetryPolicy is given.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 25 * time.Millisecond, MaxDelay: time.Second, MinAttemptTime: 50 * time.Millisecond}
}

// withDefaults fills the zero fields from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts == 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = max(d.MaxDelay, p.BaseDelay)
	}
	if p.MinAttemptTime == 0 {
		p.MinAttemptTime = d.MinAttemptTime
	}
	return p
}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MinAttemptTime < 0 || p.MaxDelay < p.BaseDelay {
		return fmt.Errorf("%w: discovery.RetryPolicy%+v: fields must not be negative (0 takes the default) and MaxDelay must be at least BaseDelay",
			ErrInvalidConfig, p)
	}
	return nil
}

// backoff is "equal jitter": half the exponential delay plus a random half, so
// retries spread out but never collapse to zero.
func (p RetryPolicy) backoff(retry int, intn func(int) int) time.Duration {
	d := p.BaseDelay << min(retry, 30)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(intn(int(half)+1))
}

// fitsDeadline reports whether sleeping delay still leaves MinAttemptTime
// before ctx's deadline.
func (p RetryPolicy) fitsDeadline(ctx context.Context, now time.Time, delay time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || now.Add(delay+p.MinAttemptTime).Before(deadline)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
