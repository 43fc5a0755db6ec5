package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/liftcdk/lift/runtime/cache"
)

// ErrNotFound is returned for an unknown item id. It wraps cache.ErrNotFound
// so the cache can remember unknown ids (negative caching).
var ErrNotFound = fmt.Errorf("item %w", cache.ErrNotFound)

// Item is one catalog entry.
type Item struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Price int    `json:"priceCents"`
}

// ItemStore is what the API reads. The in-memory catalog implements it;
// cachedStore wraps it with the cache tiers without the API changing.
type ItemStore interface {
	Get(ctx context.Context, id string) (Item, error)
	List(ctx context.Context) ([]Item, error)
}

// catalog is an in-memory ItemStore whose index is built once, lazily or by
// the warm-up hook. Safe for concurrent use.
type catalog struct {
	seed  []Item
	once  sync.Once
	index map[string]Item
	list  []Item
}

func newCatalog(seed []Item) *catalog { return &catalog{seed: seed} }

func seedItems() []Item {
	return []Item{
		{ID: "espresso", Name: "Espresso", Price: 250},
		{ID: "flat-white", Name: "Flat white", Price: 380},
		{ID: "filter", Name: "Filter coffee", Price: 300},
	}
}

func (c *catalog) build() {
	c.once.Do(func() {
		c.index = make(map[string]Item, len(c.seed))
		for _, it := range c.seed {
			c.index[it.ID] = it
		}
		c.list = slices.SortedFunc(slices.Values(c.seed), func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
	})
}

// Warm builds the index ahead of the first request.
func (c *catalog) Warm(context.Context) error {
	c.build()
	return nil
}

// Check reports the catalog unhealthy when it has nothing to serve.
func (c *catalog) Check(context.Context) error {
	c.build()
	if len(c.list) == 0 {
		return errors.New("catalog is empty")
	}
	return nil
}

func (c *catalog) Get(_ context.Context, id string) (Item, error) {
	c.build()
	it, ok := c.index[id]
	if !ok {
		return Item{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return it, nil
}

func (c *catalog) List(context.Context) ([]Item, error) {
	c.build()
	return slices.Clone(c.list), nil
}
