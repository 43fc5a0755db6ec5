// Command caller asks the callee service, found in Cloud Map, with
// discovery.Call, traced as LIFT_TRACING says: the caller of the tracing
// integration test.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
	"github.com/liftcdk/lift/runtime/tracing/otlptracing"
)

type query struct {
	SKU string `json:"sku"`
}

type answer struct {
	InStock int `json:"inStock"`
}

func main() {
	ctx := context.Background()
	tp, err := tracing.FromEnv(ctx, otlptracing.Backend())
	if err != nil {
		fail(err)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fail(err)
	}
	client, err := discovery.FromEnv(ctx, cfg)
	if err != nil {
		fail(err)
	}
	lift.Start(func(ctx context.Context, q query) (answer, error) {
		lift.Logger(ctx).Info("caller calling", "sku", q.SKU)
		return discovery.Call[query, answer](ctx, client, "callee", q)
	}, lift.OnShutdown("tracing", tp.Shutdown))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "caller: init:", err)
	os.Exit(1)
}
