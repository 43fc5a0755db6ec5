package discovery_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/liftcdk/lift/runtime/discovery"
)

// A consumer builds the client once at init from the LIFT_DISCOVERY_*
// variables that constructs/cloudmap sets, then calls providers by name.
func Example() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Println("config:", err)
		return
	}
	client, err := discovery.FromEnv(ctx, cfg, discovery.WithStrategy(discovery.LeastOutstanding))
	if err != nil {
		fmt.Println(err) // names the missing or bad variable
		return
	}
	// Inside the handler:
	out, err := client.Invoke(ctx, "inventory", []byte(`{"sku":"42"}`),
		discovery.Idempotent(), discovery.AttemptTimeout(500*time.Millisecond))
	switch {
	case errors.Is(err, discovery.ErrCircuitOpen), errors.Is(err, discovery.ErrNoInstances):
		fmt.Println("inventory unavailable:", err)
	case err != nil:
		fmt.Println("inventory failed:", err)
	default:
		fmt.Println(string(out))
	}
}
