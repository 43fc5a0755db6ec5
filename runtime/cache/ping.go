package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liftcdk/lift/runtime/health"
)

// Pinger is implemented by L2 tiers that can tell whether their server
// answers without touching a stored value (valkeycache sends PING,
// dynamocache reads a reserved key). The memory tier has nothing to reach.
type Pinger interface {
	Ping(ctx context.Context) error
}

// ProbeKey is the key a probe reads (Warm and Ping of a tier that is not a
// Pinger, dynamocache's Ping). Scoped keys start with "<length>:", so it can
// never name a value stored through a Scope.
const ProbeKey = "lift-probe"

// probe makes one round trip to L2 bounded by ctx alone.
func (t *Tiered) probe(ctx context.Context) error {
	return t.guarded(ctx, func(ctx context.Context) l2result {
		if p, ok := t.l2.(Pinger); ok {
			return l2result{err: p.Ping(ctx)}
		}
		if _, err := t.l2.Get(ctx, ProbeKey); err != nil && !errors.Is(err, ErrNotFound) {
			return l2result{err: err}
		}
		return l2result{}
	}).err
}

// Ping reports whether the L2 tier answers, bounded by ctx alone. Unlike Get,
// it does not fail open: that is what lets a health check see an outage that
// requests ride out by loading. A failure is counted like any L2 error and
// names the tier.
func (t *Tiered) Ping(ctx context.Context) error {
	if err := t.probe(ctx); err != nil {
		t.failed("ping", "", err)
		return fmt.Errorf("cache: %s tier unreachable: %w", t.tier, err)
	}
	return nil
}

// Ping pings the scoped cache's L2 tier, if it has one (see Tiered.Ping).
func (s *Scope) Ping(ctx context.Context) error {
	if p, ok := s.inner.(Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// HealthCheck returns a check for lift.WithHealthCheck that pings c's L2 tier
// (a cache without one always passes). An unreachable tier is health.Warn, not
// a failure: reads fail open, so the service still answers, and every instance
// shares the tier, so a fail would take them all out of Cloud Map at once.
//
// The ping gets half of the check's remaining time, so its answer (naming the
// tier) arrives before the check's own timeout, which health.Run reports as fail.
func HealthCheck(c Cache) func(context.Context) error {
	p, ok := c.(Pinger)
	if !ok {
		return func(context.Context) error { return nil }
	}
	return func(ctx context.Context) error {
		if dl, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, time.Until(dl)/2)
			defer cancel()
		}
		return health.Warn(p.Ping(ctx))
	}
}
