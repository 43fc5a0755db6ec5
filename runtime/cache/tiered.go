package cache

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
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
	stuck   atomic.Int32  // L2 calls given up on that have not returned yet
	writes  atomic.Uint64 // Sets and Deletes so far: a fill from an older read is dropped
	// endsWithContext: l2 vouches that its calls end with their context, so
	// they need no guard goroutine (see guarded).
	endsWithContext bool
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
	if cb, ok := l2.(ContextBound); ok {
		t.endsWithContext = cb.EndsWithContext()
	}
	return t, nil
}

// Get returns the memory copy, else the L2 copy (filling memory), else ErrNotFound.
func (t *Tiered) Get(ctx context.Context, key string) ([]byte, error) {
	if v, err := t.mem.Get(ctx, key); err == nil || errors.Is(err, ErrInvalidKey) {
		return v, err
	}
	return t.getL2(ctx, key)
}

// getL2 is Get after a memory miss of a valid key (counted by the caller).
func (t *Tiered) getL2(ctx context.Context, key string) ([]byte, error) {
	if t.l2exp == nil {
		return t.getL2Plain(ctx, key)
	}
	gen := t.writes.Load()
	cctx, cancel := t.bound(ctx)
	r := t.guarded(cctx, func(ctx context.Context) l2result {
		v, exp, err := t.l2exp.GetWithExpiry(ctx, key)
		return l2result{v: v, exp: exp, err: err}
	})
	cancel()
	v, exp, err := r.v, r.exp, r.err
	if err != nil {
		return nil, t.readFailure(ctx, key, err)
	}
	t.m.hits.Add(1)
	go t.fill(key, v, exp, gen)
	return v, nil
}

// fill copies an L2 hit into memory in a goroutine of its own, so the
// request does not pay for otter's write (measured: most of what Tiered.Get
// added to a Valkey GET). It runs only while no Set or Delete has happened
// since the L2 read began (gen), never replaces a value, and removes its own
// write if one raced it: an older value never reaches memory. Like otter's
// maintenance it touches only process memory, so a Lambda freeze in the
// middle is harmless.
func (t *Tiered) fill(key string, v []byte, exp time.Time, gen uint64) {
	if t.writes.Load() != gen {
		return
	}
	// The margin absorbs the clock read between here and the memory write.
	ttl := min(time.Until(exp)-time.Millisecond, t.memTTL)
	if ttl <= 0 {
		return
	}
	// L2 clients return a slice of their own (valkey-go and the DynamoDB SDK
	// allocate per response), so memory takes it without a copy.
	if t.mem.addOwned(key, v, ttl) && t.writes.Load() != gen {
		_ = t.mem.Delete(context.Background(), key)
	}
}

func (t *Tiered) getL2Plain(ctx context.Context, key string) ([]byte, error) {
	cctx, cancel := t.bound(ctx)
	r := t.guarded(cctx, func(ctx context.Context) l2result {
		v, err := t.l2.Get(ctx, key)
		return l2result{v: v, err: err}
	})
	cancel()
	v, err := r.v, r.err
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
		t.failed("get", key, err)
		return fmt.Errorf("%w (%s unavailable, failing open)", ErrNotFound, t.tier)
	}
}

// Set writes L2 first, then memory.
func (t *Tiered) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if ttl <= 0 {
		return fmt.Errorf("%w: set %q: ttl %v", ErrInvalidTTL, key, ttl)
	}
	t.writes.Add(1)
	cctx, cancel := t.bound(ctx)
	err := t.guarded(cctx, func(ctx context.Context) l2result {
		return l2result{err: t.l2.Set(ctx, key, value, ttl)}
	}).err
	cancel()
	if err != nil {
		if callerMistake(err) {
			_ = t.mem.Delete(ctx, key) // never leave an older value that L2 no longer matches
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("cache: %s set %q: %w", t.tier, key, context.Cause(ctx))
		}
		t.failed("set", key, err)
	}
	if merr := t.mem.Set(ctx, key, value, min(ttl, t.memTTL)); merr != nil {
		_ = t.mem.Delete(ctx, key)
	}
	return nil
}

// Delete removes key from both tiers. An L2 failure is returned (and counted).
func (t *Tiered) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err // nothing to delete, and no L2 call
	}
	t.writes.Add(1)
	_ = t.mem.Delete(ctx, key)
	cctx, cancel := t.bound(ctx)
	err := t.guarded(cctx, func(ctx context.Context) l2result {
		return l2result{err: t.l2.Delete(ctx, key)}
	}).err
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			t.failed("delete", key, err)
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

// failed counts and logs an L2 failure. Keys stay out of logs, as they may
// carry user data: the key is cut from the backend's error text, which
// usually quotes it.
func (t *Tiered) failed(op, key string, err error) {
	t.m.errors.Add(1)
	t.limiter.log(op, key, err)
}

func callerMistake(err error) bool {
	return errors.Is(err, ErrValueTooLarge) || errors.Is(err, ErrInvalidKey) || errors.Is(err, ErrInvalidTTL)
}
