package cache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

type Product struct {
	ID    string  `json:"id"`
	Price float64 `json:"price"`
}

// A handler builds its cache once, at init, and reads through it per request.
// With LIFT_CACHE_KIND=dynamodb or valkey, use cacheenv.FromEnv (or pass the
// backend to cache.FromEnv) instead; the calls below stay the same.
func Example() {
	mem, err := cache.NewMemory(cache.WithMaxBytes(32 << 20))
	if err != nil {
		panic(err) // a main package may; library code returns the error
	}
	products, _ := cache.NewScope(mem, "catalog")

	loads := 0
	get := func(ctx context.Context, id string) (Product, error) {
		return cache.GetOrLoad(ctx, products, "product/"+id, 5*time.Minute,
			func(ctx context.Context) (Product, error) {
				loads++ // stands for a database read
				return Product{ID: id, Price: 9.5}, nil
			})
	}
	ctx := context.Background()
	p1, _ := get(ctx, "p-1")
	p2, _ := get(ctx, "p-1")
	fmt.Println(p1.Price, p2.Price, "loads:", loads)
	// Output: 9.5 9.5 loads: 1
}

// Tenants of one service never see each other's values, whatever their ids
// contain.
func ExampleScope_Tenant() {
	mem, _ := cache.NewMemory()
	svc, _ := cache.NewScope(mem, "orders")
	a, _ := svc.Tenant("a:b")
	ctx := context.Background()
	_ = a.Set(ctx, "k", []byte("tenant a:b"), time.Minute)

	other, _ := cache.NewScope(mem, "orders:a")
	b, _ := other.Tenant("b")
	_, err := b.Get(ctx, "k")
	fmt.Println(a.Key("k"))
	fmt.Println(b.Key("k"), err)
	// Output:
	// 6:orders/3:a:b/k
	// 8:orders:a/1:b/k cache: not found
}

// Negative caching remembers "no such item" for a while.
func ExampleWithNegativeTTL() {
	mem, _ := cache.NewMemory()
	ctx := context.Background()
	lookups := 0
	find := func(context.Context) (Product, error) {
		lookups++
		return Product{}, fmt.Errorf("product p-404: %w", cache.ErrNotFound)
	}
	for range 3 {
		_, err := cache.GetOrLoad(ctx, mem, "product/p-404", time.Minute, find, cache.WithNegativeTTL(30*time.Second))
		fmt.Println(err != nil)
	}
	fmt.Println("lookups:", lookups)
	// Output:
	// true
	// true
	// true
	// lookups: 1
}
