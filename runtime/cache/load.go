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
// Values are shared and read-only. The memory tier keeps the decoded value
// beside its bytes, so a memory hit returns it without decoding or allocating:
// every caller of the key gets a copy of the same T, whose maps, slices and
// pointers refer to the same data. Never modify a returned value (copy it
// first, e.g. with slices.Clone or maps.Clone). Reading the key as another
// type or with another codec decodes the bytes, which stay what L2 stores.
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

	mem, mkey := memoryKey(c, key)
	var stale *hit[T]
	found, inMemory := false, false
	if mem != nil {
		p, d, present := decodedHit[T](mem, mkey, o.codec)
		inMemory = present
		if p != nil {
			if d.fresh() {
				return hit[T]{*p, d.negative}.result(key)
			}
			found = true
			if o.stale > 0 {
				stale = &hit[T]{*p, d.negative}
			}
		}
	}
	if !found {
		now := time.Now()
		var b []byte
		var err error
		fromL2 := false
		if mem != nil && !inMemory {
			b, fromL2, err = getAfterMiss(ctx, c, mem, key)
		} else {
			b, err = c.Get(ctx, key)
		}
		switch {
		case err == nil:
			if env, derr := decodeEnvelope(b); derr == nil && (now.Before(env.freshUntil) || o.stale > 0) {
				if h, ok := decodeHit[T](&o, env); ok {
					if mem != nil && !fromL2 { // an L2 hit's memory fill has not landed yet
						remember(mem, mkey, b, h.v, env, o.codec)
					}
					if now.Before(env.freshUntil) {
						return h.result(key)
					}
					stale = &h
				}
			}
		case errors.Is(err, ErrNotFound):
		case ctx.Err() != nil, errors.Is(err, ErrInvalidKey):
			return zero, err
		}
	}

	g, fk := groupOf(c), flightKeyOf(c, key)
	if stale != nil && inflight.has(g, fk) {
		return stale.result(key)
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
	load func(context.Context) (T, error), o loadOptions, stale *hit[T], g *singleflight.Group, fk string) (T, error) {
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
		if r.Err != nil && !isContextErr(r.Err) && stale != nil && !stale.negative {
			return stale.v, nil // stale-if-error
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
	mem := memoryOf(c)
	if lerr != nil {
		if o.negativeTTL > 0 && errors.Is(lerr, ErrNotFound) {
			e := envelope{negative: true, freshUntil: now.Add(o.negativeTTL)}
			neg := encodeEnvelope(e)
			if c.Set(ctx, key, neg, o.negativeTTL) == nil && mem != nil {
				remember(mem, fk, neg, v, e, o.codec)
			}
		}
		return nil, lerr
	}
	data, merr := o.codec.Marshal(v)
	if merr != nil {
		return &flightResult[T]{v: v}, fmt.Errorf("cache: encode value for %q: %w", key, merr)
	}
	fresh := jittered(ttl, o.jitter)
	e := envelope{freshUntil: now.Add(fresh), payload: data}
	env := encodeEnvelope(e)
	res = &flightResult[T]{v: v, data: data}
	serr := c.Set(ctx, key, env, fresh+o.stale)
	if serr != nil && callerMistake(serr) {
		return res, fmt.Errorf("cache: value for %q loaded but not cached: %w", key, serr)
	}
	if mem != nil {
		remember(mem, fk, env, v, e, o.codec)
	}
	return res, nil
}

// hit is a cached value, or a cached "does not exist" (negative).
type hit[T any] struct {
	v        T
	negative bool
}

func (h hit[T]) result(key string) (T, error) {
	if h.negative {
		var zero T
		return zero, negativeErr(key)
	}
	return h.v, nil
}

// decodeHit decodes a cached envelope. ok is false when the payload does not
// decode (the caller then reloads).
func decodeHit[T any](o *loadOptions, env envelope) (hit[T], bool) {
	if env.negative {
		return hit[T]{negative: true}, true
	}
	var v T
	if o.codec.Unmarshal(env.payload, &v) != nil {
		return hit[T]{}, false
	}
	return hit[T]{v: v}, true
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
