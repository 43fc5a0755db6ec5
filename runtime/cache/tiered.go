package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"
)

// Tiered reads memory, then L2; writes go through to both. The memory copy of
// a value never outlives its L2 copy, and is further capped by WithMemoryTTL.
//
// L2 failures fail open: a failed read is a miss (the caller loads), a failed
// write still fills memory, and both are counted (CacheErrors, Tier=<l2>) and
// logged at most once per WithLogInterval. Only caller mistakes surface as
// errors: ErrValueTooLarge, ErrInvalidKey, ErrInvalidTTL. A failed Delete is
// returned too, because swallowing it would leave a stale value behind.
type Tiered struct {
	mem     *Memory
	l2      Cache
	l2exp   ExpiryGetter // nil when L2 cannot tell expiry: then memory is not filled on L2 hits
	tier    string
	timeout time.Duration
	memTTL  time.Duration
	m       tierMetrics
	limiter logLimiter
	flight  singleflight.Group
}

// TierNamer is implemented by L2 backends to name their Tier metric dimension.
type TierNamer interface{ Tier() string }

// NewTiered layers mem over l2.
func NewTiered(mem *Memory, l2 Cache, opts ...Option) (*Tiered, error) {
	if mem == nil || l2 == nil {
		return nil, fmt.Errorf("%w: NewTiered needs both a memory tier and an L2 tier", ErrInvalidConfig)
	}
	o := buildOptions(opts)
	if o.timeout <= 0 {
		return nil, fmt.Errorf("%w: L2 timeout %v must be positive", ErrInvalidConfig, o.timeout)
	}
	if o.memoryTTL <= 0 {
		return nil, fmt.Errorf("%w: memory TTL cap %v must be positive", ErrInvalidConfig, o.memoryTTL)
	}
	tier := o.tier
	if tier == "" {
		tier = "l2"
		if n, ok := l2.(TierNamer); ok {
			tier = n.Tier()
		}
	}
	t := &Tiered{
		mem: mem, l2: l2, tier: tier, timeout: o.timeout, memTTL: o.memoryTTL,
		m:       newTierMetrics(&o, tier),
		limiter: logLimiter{every: o.logEvery, logger: o.logger, tier: tier},
	}
	t.l2exp, _ = l2.(ExpiryGetter)
	return t, nil
}

// Get returns the memory copy, else the L2 copy (filling memory), else ErrNotFound.
func (t *Tiered) Get(ctx context.Context, key string) ([]byte, error) {
	if v, err := t.mem.Get(ctx, key); err == nil {
		return v, nil
	}
	if t.l2exp == nil {
		return t.getL2Plain(ctx, key)
	}
	cctx, cancel := t.bound(ctx)
	v, exp, err := t.l2exp.GetWithExpiry(cctx, key)
	cancel()
	if err != nil {
		return nil, t.readFailure(ctx, key, err)
	}
	t.m.hits.Add(1)
	// The margin absorbs the clock read between here and the memory write.
	if ttl := min(time.Until(exp)-time.Millisecond, t.memTTL); ttl > 0 {
		// L2 clients return a slice of their own (valkey-go and the DynamoDB
		// SDK allocate per response), so memory takes it without a copy.
		_ = t.mem.setOwned(key, v, ttl) // too large for memory: still served from L2
	}
	return v, nil
}

func (t *Tiered) getL2Plain(ctx context.Context, key string) ([]byte, error) {
	cctx, cancel := t.bound(ctx)
	v, err := t.l2.Get(cctx, key)
	cancel()
	if err != nil {
		return nil, t.readFailure(ctx, key, err)
	}
	t.m.hits.Add(1)
	return v, nil
}

// readFailure turns an L2 read error into what the caller sees: a miss, or the
// caller's own context error.
func (t *Tiered) readFailure(ctx context.Context, key string, err error) error {
	switch {
	case errors.Is(err, ErrNotFound):
		t.m.misses.Add(1)
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("cache: %s get %q: %w", t.tier, key, context.Cause(ctx))
	default:
		t.failed("get", err)
		return fmt.Errorf("%w (%s unavailable, failing open)", ErrNotFound, t.tier)
	}
}

// Set writes L2 first, then memory.
func (t *Tiered) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("%w: set %q: ttl %v", ErrInvalidTTL, key, ttl)
	}
	cctx, cancel := t.bound(ctx)
	err := t.l2.Set(cctx, key, value, ttl)
	cancel()
	if err != nil {
		if callerMistake(err) {
			_ = t.mem.Delete(ctx, key) // never leave an older value that L2 no longer matches
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("cache: %s set %q: %w", t.tier, key, context.Cause(ctx))
		}
		t.failed("set", err)
	}
	if merr := t.mem.Set(ctx, key, value, min(ttl, t.memTTL)); merr != nil {
		_ = t.mem.Delete(ctx, key)
	}
	return nil
}

// Delete removes key from both tiers. An L2 failure is returned (and counted).
func (t *Tiered) Delete(ctx context.Context, key string) error {
	_ = t.mem.Delete(ctx, key)
	cctx, cancel := t.bound(ctx)
	err := t.l2.Delete(cctx, key)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			t.failed("delete", err)
		}
		return fmt.Errorf("cache: %s delete %q: %w", t.tier, key, err)
	}
	return nil
}

// Memory returns the memory tier.
func (t *Tiered) Memory() *Memory { return t.mem }

// L2 returns the shared tier.
func (t *Tiered) L2() Cache { return t.l2 }

func (t *Tiered) flightGroup() *singleflight.Group { return &t.flight }

// bound limits an L2 call to the tier timeout and to half of the invocation's
// remaining time, whichever is shorter.
func (t *Tiered) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := t.timeout
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl)/2)
	}
	return context.WithTimeout(ctx, d)
}

// failed counts and logs an L2 failure. It takes no key: keys stay out of
// logs, as they may carry user data.
func (t *Tiered) failed(op string, err error) {
	t.m.errors.Add(1)
	t.limiter.log(op, err)
}

func callerMistake(err error) bool {
	return errors.Is(err, ErrValueTooLarge) || errors.Is(err, ErrInvalidKey) || errors.Is(err, ErrInvalidTTL)
}
