// Command callee answers stock queries through the memory cache, traced as
// LIFT_TRACING says (stdout or otlp): the callee of the tracing integration test.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
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
	tp, err := tracing.FromEnv(context.Background(), otlptracing.Backend())
	if err != nil {
		fmt.Fprintln(os.Stderr, "callee: init:", err)
		os.Exit(1)
	}
	mem, err := cache.NewMemory()
	if err != nil {
		fmt.Fprintln(os.Stderr, "callee: init:", err)
		os.Exit(1)
	}
	lift.Start(func(ctx context.Context, q query) (answer, error) {
		n, err := cache.GetOrLoad(ctx, mem, "stock:"+q.SKU, time.Minute, func(context.Context) (int, error) { return 12, nil })
		lift.Logger(ctx).Info("callee answered", "sku", q.SKU)
		return answer{InStock: n}, err
	}, lift.OnShutdown("tracing", tp.Shutdown))
}
