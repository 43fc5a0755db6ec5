package main

import (
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
)

// backends links the L2 tier this function is bound to (LIFT_CACHE_KIND=valkey),
// and only that one: no DynamoDB client in this binary.
func backends() []cache.Option {
	return []cache.Option{cache.WithBackend(valkeycache.Backend())}
}
