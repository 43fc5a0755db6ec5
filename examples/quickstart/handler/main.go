// Command handler is the quickstart's function: a small JSON API over HTTP-API
// style events (API Gateway HTTP API v2 or a Lambda function URL), run by
// lift.Start with warm-up hooks, a health check and a shutdown hook. Items are
// served through the cache tiers the stack configures (memory, then DynamoDB).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	// Clients are built once, at init, from the LIFT_CACHE_* variables the
	// stack set; a bad or missing variable fails init with its name.
	tiers, err := cache.FromEnv(context.Background(), cache.WithBackend(dynamocache.Backend()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	catalog := newCatalog(seedItems())
	store := cachedStore{ItemStore: catalog, cache: tiers, ttl: 5 * time.Minute}
	api := newAPI(store)
	lift.Start(api.Handle,
		// Pre-warming builds the catalog's index and opens the cache's
		// connection before the first real request needs them; a warm-up
		// event runs each hook once per process.
		lift.OnWarmup("catalog", catalog.Warm),
		// One DynamoDB round trip under the warm-up's deadline, not the
		// 100 ms per-request bound: the first connection may need longer.
		lift.OnWarmup("cache", tiers.Warm),
		lift.WithHealthCheck("catalog", catalog.Check),
		// Warns (not fails) while DynamoDB is unreachable: reads fail open
		// to the catalog, and every environment shares the table.
		lift.WithHealthCheck("cache", cache.HealthCheck(tiers)),
		lift.OnShutdown("report", func(ctx context.Context) error {
			lift.Logger(ctx).Info("shutdown hook ran", "served", api.Served())
			return nil
		}),
	)
}
