// Command handler is the ElastiCache example's function: it answers
// {"name":"..."} with a greeting that is computed once and then served from
// the cache tiers (memory, then the serverless Valkey cache the stack binds),
// run by lift.Start with a cache health check.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
)

// Request is the function's event.
type Request struct {
	Name string `json:"name"`
}

// Greeting is the cached answer.
type Greeting struct {
	Message  string    `json:"message"`
	Computed time.Time `json:"computedAt"` // unchanged while the cached value lives
}

const greetingTTL = 5 * time.Minute

func main() {
	ctx := context.Background()
	store, err := cache.FromEnv(ctx, backends()...)
	if err != nil {
		// An init error: Lambda reports it and retries init on the next request.
		slog.Error("cache configuration", "error", err)
		os.Exit(1)
	}
	// The cache check pings Valkey, since a read would fail open and pass;
	// Valkey down is a warning, not a failure: requests still load.
	lift.Start(func(ctx context.Context, req Request) (Greeting, error) {
		return greet(ctx, store, req)
	}, lift.WithHealthCheck("cache", cache.HealthCheck(store)))
}

func greet(ctx context.Context, c cache.Cache, req Request) (Greeting, error) {
	name := strings.TrimSpace(req.Name)
	if name == "" || len(name) > 64 {
		return Greeting{}, fmt.Errorf("name must be 1 to 64 characters, got %d", len(name))
	}
	return cache.GetOrLoad(ctx, c, "greeting:"+strings.ToLower(name), greetingTTL,
		func(context.Context) (Greeting, error) {
			return Greeting{Message: "Hello, " + name + "!", Computed: time.Now().UTC()}, nil
		})
}
