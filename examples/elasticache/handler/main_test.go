package main

import (
	"context"
	"strings"
	"testing"

	"github.com/liftcdk/lift/runtime/cache"
)

// TestGreetCaches: the first request computes the greeting, the next is served
// from the cache (same computedAt), names are case-insensitive keys, and bad
// names are refused. The cache is built by cache.FromEnv from a memory-only
// environment, the way main builds it from the Valkey tier's.
func TestGreetCaches(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"LIFT_SERVICE": "elasticache-example", "LIFT_CACHE_KIND": "memory"}
	store, err := cache.FromEnv(ctx, append(backends(), cache.WithLookupEnv(func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}))...)
	if err != nil {
		t.Fatal(err)
	}
	first, err := greet(ctx, store, Request{Name: "Ada"})
	if err != nil || first.Message != "Hello, Ada!" {
		t.Fatalf("first greeting: %+v, %v", first, err)
	}
	again, err := greet(ctx, store, Request{Name: " ada "})
	if err != nil || !again.Computed.Equal(first.Computed) {
		t.Fatalf("second greeting must come from the cache: first %+v, again %+v, %v", first, again, err)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", 65)} {
		if _, err := greet(ctx, store, Request{Name: bad}); err == nil || !strings.Contains(err.Error(), "name must be 1 to 64 characters") {
			t.Errorf("name %q: got %v, want a length error", bad, err)
		}
	}
}
