// Command inventory is the multiservice example's provider: it answers stock
// queries. orders finds it through Cloud Map and invokes its "live" alias.
// It reports its own health to its Cloud Map instance, so callers stop
// routing to it when its checks fail, and reads stock levels through the
// cache tiers the stack bound (memory, then serverless Valkey).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/liftcdk/lift/runtime/cache/cacheenv"
	"github.com/liftcdk/lift/runtime/health/cloudmaphealth"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
)

func main() {
	ctx := context.Background()
	// LIFT_TRACING chooses the exporter: none (the default) records nothing;
	// lift dev sets stdout and shows the spans of each request across services.
	tp, err := tracing.FromEnv(ctx)
	if err != nil {
		fail(err)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fail(fmt.Errorf("load AWS config: %w", err))
	}
	// LIFT_DISCOVERY_SERVICE_ID and _INSTANCE_ID come from cloudmap's Register.
	reporter, err := cloudmaphealth.FromEnv(ctx, cfg)
	if err != nil {
		fail(err)
	}
	// LIFT_CACHE_* come from the cache tier's Bind; cacheenv links every L2
	// backend, so the tier can change in the CDK app without a code change.
	store, err := cacheenv.FromEnv(ctx)
	if err != nil {
		fail(err)
	}
	s := newStock(seedStock(), store)
	lift.Start(s.Handle,
		lift.WithHealthCheck("stock", s.Check),
		lift.WithHealthCheck("cache", s.CheckCache),
		lift.WithHealthReporter(reporter),
		lift.OnShutdown("tracing", tp.Shutdown), // flushes the last spans
	)
}

// fail ends a broken init: Lambda reports Runtime.ExitError with this message.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "inventory: init:", err)
	os.Exit(1)
}
