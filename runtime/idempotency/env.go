package idempotency

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// Backend builds a Store from the environment the cachetier construct writes.
// The store packages provide one each (dynamostore.Backend,
// valkeystore.Backend); passing them in, rather than importing them here,
// keeps the client a handler does not use out of its binary.
type Backend struct {
	Kind string // the LIFT_CACHE_KIND value it serves: "dynamodb" or "valkey"
	New  func(ctx context.Context, env cache.LookupEnv) (Store, error)
	// Tier builds the cache tier itself, on the same client as New, with
	// reads every environment sees fresh (no memory copy, consistent reads):
	// for records such as runtime/jobs' statuses that live beside the
	// idempotency records. Nil when the backend has none.
	Tier func(ctx context.Context, env cache.LookupEnv) (cache.Cache, error)
}

// FromEnv builds the store on the service's cache tier (LIFT_CACHE_KIND and
// the variables of that tier), with keys in the service's namespace
// (LIFT_SERVICE), apart from the cache's keys. backends must include the one
// for the configured kind. The memory tier is refused: each Lambda
// environment has its own, so it cannot make a call happen once. Call it
// once, at init: it builds clients.
func FromEnv(ctx context.Context, backends ...Backend) (Store, error) {
	cfg, err := cache.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	switch cfg.Kind {
	case "", contract.CacheKindMemory:
		return nil, fmt.Errorf("%w: %s=%q: idempotency needs a store every environment of the function shares, and the memory tier is per process: give the service a DynamoDB or Valkey cache tier (%s=%s or %s)",
			ErrInvalidConfig, contract.EnvCacheKind, cfg.Kind, contract.EnvCacheKind, contract.CacheKindDynamoDB, contract.CacheKindValkey)
	}
	for _, b := range backends {
		if b.Kind == cfg.Kind && b.New != nil {
			s, err := b.New(ctx, os.LookupEnv)
			if err != nil {
				return nil, fmt.Errorf("idempotency: %s store: %w", cfg.Kind, err)
			}
			return Namespace(s, cfg.Service), nil
		}
	}
	pkg := map[string]string{contract.CacheKindDynamoDB: "dynamostore", contract.CacheKindValkey: "valkeystore"}[cfg.Kind]
	return nil, fmt.Errorf("%w: %s=%s but its store is not linked into this binary: pass %s.Backend() to idempotency.FromEnv",
		ErrInvalidConfig, contract.EnvCacheKind, cfg.Kind, pkg)
}

// Namespace returns s with every key stored as
// "<len(service)>:<service>/idempotency/<key>", so records of different
// services, and cache entries (runtime/cache's Scope never writes a segment
// "idempotency" after the service), never collide in a shared table or server.
func Namespace(s Store, service string) Store {
	return namespaced{inner: s, prefix: strconv.Itoa(len(service)) + ":" + service + "/idempotency/"}
}

type namespaced struct {
	inner  Store
	prefix string
}

func (n namespaced) Claim(ctx context.Context, key string, rec Record, now time.Time) (Record, bool, error) {
	return n.inner.Claim(ctx, n.prefix+key, rec, now)
}

func (n namespaced) Complete(ctx context.Context, key string, rec Record, now time.Time) error {
	return n.inner.Complete(ctx, n.prefix+key, rec, now)
}

func (n namespaced) Release(ctx context.Context, key, token string) error {
	return n.inner.Release(ctx, n.prefix+key, token)
}
