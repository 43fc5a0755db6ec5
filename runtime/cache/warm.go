package cache

import (
	"context"
	"fmt"
)

// Warmer is implemented by caches that can open their connections ahead of
// the first request (lift.OnWarmup hooks call it).
type Warmer interface {
	Warm(ctx context.Context) error
}

// Warm makes one round trip to the L2 tier bounded by ctx alone, not by the
// per-call L2 timeout: a first connection (DNS, TLS, credentials) may take
// longer than a request should wait, and a warm-up is the time to pay for it.
// A failure is counted like any L2 error and returned.
func (t *Tiered) Warm(ctx context.Context) error {
	if err := t.probe(ctx); err != nil {
		t.failed("warm", "", err)
		return fmt.Errorf("cache: warm the %s tier: %w", t.tier, err)
	}
	return nil
}

// Warm warms the scoped cache's L2 tier, if it has one (see Tiered.Warm).
func (s *Scope) Warm(ctx context.Context) error {
	if w, ok := s.inner.(Warmer); ok {
		return w.Warm(ctx)
	}
	return nil
}
