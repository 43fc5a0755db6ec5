package cache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// LoadOption configures one GetOrLoad call.
type LoadOption func(*loadOptions)

type loadOptions struct {
	codec       Codec
	jitter      float64
	negativeTTL time.Duration
	stale       time.Duration
}

// WithCodec encodes values with c instead of JSON.
func WithCodec(c Codec) LoadOption { return func(o *loadOptions) { o.codec = c } }

// WithJitter shortens each stored TTL by a random part of up to fraction of it,
// so entries filled together do not all expire together. Default 0.1; 0 turns
// jitter off. The TTL is never lengthened.
func WithJitter(fraction float64) LoadOption {
	return func(o *loadOptions) { o.jitter = min(max(fraction, 0), 0.9) }
}

// WithNegativeTTL caches the loader's "does not exist" answer (an error
// wrapping ErrNotFound) for d: later calls return ErrNotFound without loading.
// Default off.
func WithNegativeTTL(d time.Duration) LoadOption { return func(o *loadOptions) { o.negativeTTL = d } }

// WithStaleWhileRevalidate keeps values for d past their TTL. A caller that
// finds a stale value while another caller in this process is already reloading
// the key gets the stale value at once; the first caller reloads it
// synchronously, inside its own invocation. No background goroutine outlives
// the call, so Lambda never freezes a half-done refresh. If the reload fails,
// the stale value is returned instead of the error (stale-if-error).
func WithStaleWhileRevalidate(d time.Duration) LoadOption {
	return func(o *loadOptions) { o.stale = max(d, 0) }
}

// GetOrLoad returns the value cached under key, or calls load, caches its
// result for ttl and returns it. Concurrent misses of one key in one process
// share a single load. Values are stored in a small envelope (see the package
// docs) encoded with the codec (JSON by default).
//
// A cached value that no longer decodes is reloaded. Cache read failures load
// (fail open). Write failures are ignored, except caller mistakes: a value
// over a tier's limit returns the loaded value together with an error wrapping
// ErrValueTooLarge, so an oversized value is never silently uncached.
func GetOrLoad[T any](ctx context.Context, c Cache, key string, ttl time.Duration,
	load func(context.Context) (T, error), opts ...LoadOption) (T, error) {
	var zero T
	if c == nil || load == nil {
		return zero, fmt.Errorf("%w: GetOrLoad needs a cache and a loader", ErrInvalidConfig)
	}
	if ttl <= 0 {
		return zero, fmt.Errorf("%w: GetOrLoad %q: ttl %v", ErrInvalidTTL, key, ttl)
	}
	o := defaultLoadOptions
	if len(opts) > 0 {
		o = buildLoadOptions(opts)
	}

	var stale *envelope
	b, err := c.Get(ctx, key)
	switch {
	case err == nil:
		if env, derr := decodeEnvelope(b); derr == nil {
			if time.Now().Before(env.freshUntil) {
				if v, ok, herr := decodeHit[T](&o, key, env); ok {
					return v, herr
				}
			} else if o.stale > 0 {
				stale = &env
			}
		}
	case errors.Is(err, ErrNotFound):
	case ctx.Err() != nil:
		return zero, err
	}

	g, fk := groupOf(c), flightKeyOf(c, key)
	if stale != nil && inflight.has(g, fk) {
		if v, ok, herr := decodeHit[T](&o, key, *stale); ok {
			return v, herr
		}
	}

	return loadShared(ctx, c, key, ttl, load, o, stale, g, fk)
}

var defaultLoadOptions = loadOptions{codec: JSON, jitter: 0.1}

// buildLoadOptions applies opts to the defaults. It is split from GetOrLoad
// because the options' pointer escapes: a call without options then
// allocates nothing for them.
func buildLoadOptions(opts []LoadOption) loadOptions {
	o := defaultLoadOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// loadShared runs or joins the key's load. It is split from GetOrLoad so that
// the hit path does not pay for the closure's captured state.
func loadShared[T any](ctx context.Context, c Cache, key string, ttl time.Duration,
	load func(context.Context) (T, error), o loadOptions, stale *envelope, g *singleflight.Group, fk string) (T, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		var mine *flightResult[T] // set only when this caller's load runs
		var ran bool
		ch := g.DoChan(fk, func() (any, error) {
			r, err := runLoad(ctx, c, key, ttl, load, &o, g, fk)
			mine, ran = r, true
			if r == nil {
				return nil, err // no typed nil inside the shared interface
			}
			return r, err
		})
		var r singleflight.Result
		select {
		case r = <-ch:
		case <-ctx.Done():
			return zero, fmt.Errorf("cache: GetOrLoad %q: %w", key, context.Cause(ctx))
		}
		if r.Err != nil && !isContextErr(r.Err) && stale != nil {
			if v, ok, herr := decodeHit[T](&o, key, *stale); ok && herr == nil {
				return v, nil // stale-if-error
			}
		}
		if r.Err != nil && isContextErr(r.Err) && !ran && ctx.Err() == nil && attempt == 0 {
			continue // the shared load died with its caller's context; ours is alive: load again
		}
		if ran && mine == nil {
			return zero, r.Err
		}
		return resultOf[T](&o, mine, r)
	}
}

type flightResult[T any] struct {
	v    T
	data []byte
}

func (r *flightResult[T]) encoded() []byte { return r.data }

type encodedResult interface{ encoded() []byte }

// resultOf gives the loading caller its own value and every waiter a fresh
// copy decoded from the shared bytes, so concurrent callers never share maps
// or slices.
func resultOf[T any](o *loadOptions, mine *flightResult[T], r singleflight.Result) (T, error) {
	var zero T
	if mine != nil {
		return mine.v, r.Err
	}
	er, ok := r.Val.(encodedResult)
	if !ok || er == nil || er.encoded() == nil {
		if r.Err != nil {
			return zero, r.Err
		}
		return zero, fmt.Errorf("%w: shared load produced no value", ErrCorruptEntry)
	}
	var v T
	if err := o.codec.Unmarshal(er.encoded(), &v); err != nil {
		return zero, fmt.Errorf("cache: decode shared load: %w", err)
	}
	return v, r.Err
}

func runLoad[T any](ctx context.Context, c Cache, key string, ttl time.Duration,
	load func(context.Context) (T, error), o *loadOptions, g *singleflight.Group, fk string) (res *flightResult[T], err error) {
	inflight.add(g, fk)
	defer inflight.remove(g, fk)
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("cache: loader for %q panicked: %v", key, p)
		}
	}()

	v, lerr := load(ctx)
	now := time.Now()
	if lerr != nil {
		if o.negativeTTL > 0 && errors.Is(lerr, ErrNotFound) {
			neg := encodeEnvelope(envelope{negative: true, freshUntil: now.Add(o.negativeTTL)})
			_ = c.Set(ctx, key, neg, o.negativeTTL)
		}
		return nil, lerr
	}
	data, merr := o.codec.Marshal(v)
	if merr != nil {
		return &flightResult[T]{v: v}, fmt.Errorf("cache: encode value for %q: %w", key, merr)
	}
	fresh := jittered(ttl, o.jitter)
	env := encodeEnvelope(envelope{freshUntil: now.Add(fresh), payload: data})
	res = &flightResult[T]{v: v, data: data}
	if serr := c.Set(ctx, key, env, fresh+o.stale); serr != nil && callerMistake(serr) {
		return res, fmt.Errorf("cache: value for %q loaded but not cached: %w", key, serr)
	}
	return res, nil
}

// decodeHit decodes a cached envelope. ok is false when the payload does not
// decode (the caller then reloads).
func decodeHit[T any](o *loadOptions, key string, env envelope) (v T, ok bool, err error) {
	if env.negative {
		return v, true, fmt.Errorf("cache: %q is cached as absent: %w", key, ErrNotFound)
	}
	if o.codec.Unmarshal(env.payload, &v) != nil {
		var zero T
		return zero, false, nil
	}
	return v, true, nil
}

func jittered(ttl time.Duration, fraction float64) time.Duration {
	if fraction <= 0 || ttl < 2 {
		return ttl
	}
	span := int64(float64(ttl) * fraction)
	if span <= 0 {
		return ttl
	}
	return ttl - time.Duration(rand.Int64N(span+1))
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Singleflight groups: the caches of this package carry their own; any other
// Cache shares a process-wide group, keyed by its keys alone.
var fallbackGroup singleflight.Group

type flightGrouper interface{ flightGroup() *singleflight.Group }
type flightKeyer interface{ flightKey(string) string }

func groupOf(c Cache) *singleflight.Group {
	if fg, ok := c.(flightGrouper); ok {
		return fg.flightGroup()
	}
	return &fallbackGroup
}

func flightKeyOf(c Cache, key string) string {
	if fk, ok := c.(flightKeyer); ok {
		return fk.flightKey(key)
	}
	return key
}

// inflight records which keys are being loaded, so stale-while-revalidate
// can serve stale values instead of queueing behind the load.
var inflight inflightSet

type inflightKey struct {
	g   *singleflight.Group
	key string
}

type inflightSet struct{ m sync.Map }

func (s *inflightSet) add(g *singleflight.Group, k string)    { s.m.Store(inflightKey{g, k}, struct{}{}) }
func (s *inflightSet) remove(g *singleflight.Group, k string) { s.m.Delete(inflightKey{g, k}) }
func (s *inflightSet) has(g *singleflight.Group, k string) bool {
	_, ok := s.m.Load(inflightKey{g, k})
	return ok
}
