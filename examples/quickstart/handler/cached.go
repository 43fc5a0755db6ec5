package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// cachedStore serves items through the function's cache tiers: memory, then
// the L2 tier the stack binds (LIFT_CACHE_*: DynamoDB in the quickstart), and
// only then the inner store. Lists are not cached: they are cheap here.
type cachedStore struct {
	ItemStore
	cache cache.Cache
	ttl   time.Duration
}

// Get answers from the cache when it can; ctx learns whether the loader ran.
func (s cachedStore) Get(ctx context.Context, id string) (Item, error) {
	return cache.GetOrLoad(ctx, s.cache, "item/"+id, s.ttl, func(ctx context.Context) (Item, error) {
		markLoaded(ctx)
		return s.ItemStore.Get(ctx, id)
	}, cache.WithNegativeTTL(s.ttl)) // an unknown id is remembered too (ErrNotFound wraps cache.ErrNotFound)
}

type loadedKey struct{}

// withLoadTracking lets a request see whether its item came from the loader.
func withLoadTracking(ctx context.Context) (context.Context, *atomic.Bool) {
	loaded := new(atomic.Bool)
	return context.WithValue(ctx, loadedKey{}, loaded), loaded
}

func markLoaded(ctx context.Context) {
	if loaded, ok := ctx.Value(loadedKey{}).(*atomic.Bool); ok {
		loaded.Store(true)
	}
}
