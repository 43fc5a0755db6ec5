package main

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// cachedStore serves items through the function's cache tiers: memory, then
// the L2 tier the stack binds (LIFT_CACHE_*: DynamoDB in the quickstart), and
// only then the loader. Reads and writes are per tenant (a cache.Scope of
// the tenant): a tenant's posted items, kept in its scope for the TTL, are
// found before the shared catalog, and no tenant sees another's. Lists are
// the catalog's and not cached: they are cheap here.
type cachedStore struct {
	ItemStore
	cache *cache.Scope
	ttl   time.Duration
}

// Get answers from the tenant's cache when it can; ctx learns whether the loader ran.
func (s *cachedStore) Get(ctx context.Context, tenant *cache.Scope, id string) (Item, error) {
	return cache.GetOrLoad(ctx, tenant, "item/"+id, s.ttl, func(ctx context.Context) (Item, error) {
		markLoaded(ctx)
		if it, err := s.posted(ctx, tenant, id); !errors.Is(err, cache.ErrNotFound) {
			return it, err
		}
		return s.ItemStore.Get(ctx, id)
	}, cache.WithNegativeTTL(s.ttl)) // an unknown id is remembered too (ErrNotFound wraps cache.ErrNotFound)
}

// Put keeps a posted item in the tenant's scope and drops the cached read of
// its id, so the next Get loads it (in this environment at once; in others
// when their memory copy expires).
func (s *cachedStore) Put(ctx context.Context, tenant *cache.Scope, it Item) error {
	b, err := json.Marshal(it)
	if err != nil {
		return err
	}
	if err := tenant.Set(ctx, "posted/"+it.ID, b, s.ttl); err != nil {
		return err
	}
	return tenant.Delete(ctx, "item/"+it.ID)
}

func (s *cachedStore) posted(ctx context.Context, tenant *cache.Scope, id string) (Item, error) {
	b, err := tenant.Get(ctx, "posted/"+id)
	if err != nil {
		return Item{}, err
	}
	var it Item
	return it, json.Unmarshal(b, &it)
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
