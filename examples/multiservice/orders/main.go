// Command orders is the multiservice example's consumer: it accepts an order
// after asking inventory, which it finds through Cloud Map (runtime/discovery)
// from the LIFT_DISCOVERY_* variables constructs/cloudmap set.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/liftcdk/lift/runtime/discovery"
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
	// Clients are built once per process, never per invocation.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fail(fmt.Errorf("load AWS config: %w", err))
	}
	client, err := discovery.FromEnv(ctx, cfg)
	if err != nil {
		fail(err)
	}
	// orders is registered in Cloud Map too: it reports its own health.
	reporter, err := cloudmaphealth.FromEnv(ctx, cfg)
	if err != nil {
		fail(err)
	}
	o := newOrders(client)
	lift.Start(o.Handle,
		lift.WithHealthReporter(reporter),
		// Resolve inventory during warm-up so the first order does not pay
		// for the Cloud Map round trip.
		lift.OnWarmup("discovery", o.Warm),
		lift.WithHealthCheck("inventory", o.CheckInventory),
		lift.OnShutdown("tracing", tp.Shutdown), // flushes the last spans
	)
}

// fail ends a broken init: Lambda reports Runtime.ExitError with this message
// and retries the init, which is right for a configuration error.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "orders: init:", err)
	os.Exit(1)
}
