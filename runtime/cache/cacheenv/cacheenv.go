// Package cacheenv builds the cache the environment describes with every L2
// backend linked in, so a function's tier can change in the CDK app without a
// code change.
//
// It exists because runtime/cache itself must not import the backends: a
// handler that uses only the memory tier must link no DynamoDB or Valkey
// client. Such a handler calls cache.FromEnv; one that names its tier passes
// just that backend (cache.FromEnv(ctx, cache.WithBackend(dynamocache.Backend()))),
// and one that wants whatever the constructs configured calls cacheenv.FromEnv.
package cacheenv

import (
	"context"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
)

// FromEnv is cache.FromEnv with the DynamoDB and Valkey backends. Call it once,
// at init.
func FromEnv(ctx context.Context, opts ...cache.Option) (*cache.Scope, error) {
	all := append([]cache.Option{
		cache.WithBackend(dynamocache.Backend()),
		cache.WithBackend(valkeycache.Backend()),
	}, opts...)
	return cache.FromEnv(ctx, all...)
}
