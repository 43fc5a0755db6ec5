// Command handler is the quickstart's function: a JSON API written with only
// net/http (a ServeMux), run by lift.StartHTTP behind the stack's HTTP API,
// with warm-up hooks, health checks and a shutdown hook. Items are served per
// tenant through the cache tiers the stack configures (memory, then DynamoDB).
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
	api := newAPI(&cachedStore{ItemStore: catalog, cache: tiers, ttl: 5 * time.Minute})
	// An ordinary net/http handler: lift.StartHTTP translates API Gateway,
	// function URL and ALB events to requests and, outside Lambda, serves it
	// over plain HTTP (LIFT_LOCAL_ADDR).
	lift.StartHTTP(api.Routes(),
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
