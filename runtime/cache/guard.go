package cache

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// maxStuckCalls bounds the L2 calls left running after their callers gave up
// on them. Past it the tier fails fast instead of starting more, so a wedged
// server cannot pile up goroutines.
const maxStuckCalls = 64

var errTierStuck = errors.New("earlier calls to the tier have not returned")

// ContextBound is implemented by L2 tiers that can vouch that every call
// returns once its context ends (dynamocache; valkeycache outside cluster
// mode). Tiered calls them directly; it runs the calls of any other tier in a
// goroutine it can abandon, which costs a few microseconds per call.
type ContextBound interface {
	EndsWithContext() bool
}

type l2result struct {
	v   []byte
	exp time.Time
	err error
}

// l2call is one guarded call: the first of the caller (giving up) and the
// call (returning) to flip done decides whether the call counts as stuck.
type l2call struct {
	ch   chan l2result
	done atomic.Bool
}

// guarded runs fn and returns when it returns or when ctx ends, whichever is
// first. Clients do not always honour the context (valkey-go in cluster mode
// refreshes its slot map with a dial bounded only by its own dial timeout),
// and a cache call must never hold a request past its bound. A call given up
// on keeps running in its goroutine until the client returns; its result is
// dropped.
func (t *Tiered) guarded(ctx context.Context, fn func(context.Context) l2result) l2result {
	if t.endsWithContext {
		return fn(ctx) // the backend vouches for it: no goroutine per call
	}
	if n := t.stuck.Load(); n >= maxStuckCalls {
		return l2result{err: fmt.Errorf("%w (%d)", errTierStuck, n)}
	}
	c := &l2call{ch: make(chan l2result, 1)}
	go func() {
		c.ch <- fn(ctx)
		if !c.done.CompareAndSwap(false, true) {
			t.stuck.Add(-1) // the caller gave up on this call; it has returned now
		}
	}()
	select {
	case r := <-c.ch:
		return r
	case <-ctx.Done():
		if !c.done.CompareAndSwap(false, true) {
			return <-c.ch // the result arrived together with the deadline
		}
		t.stuck.Add(1)
		return l2result{err: context.Cause(ctx)}
	}
}
