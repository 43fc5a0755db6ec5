// Package cache is Lift's multi-tier cache: a byte-bounded in-memory tier, an
// optional shared L2 tier (DynamoDB or ElastiCache Valkey/Redis, in the
// dynamocache and valkeycache packages), and GetOrLoad, a typed read-through
// with singleflight, TTL jitter, negative caching and stale-while-revalidate.
//
// # Tiers
//
// Memory (otter, W-TinyLFU, bounded in bytes, 0 allocations per Get hit) is
// read first, then L2, then the loader; writes go through to both tiers. The
// memory copy of a value never outlives the L2 copy (L2 backends report the
// expiry they stored) and is further capped by WithMemoryTTL (1m), which
// bounds how stale one instance can be after another overwrites a key.
//
// L2 failures fail open: a read error is a miss, a write error still fills
// memory; both count CacheErrors (dimensions Service, Tier) and are logged at
// most once per WithLogInterval. Every L2 call is bounded by WithTimeout
// (LIFT_CACHE_TIMEOUT) and by half of the invocation's remaining time.
// Because a read cannot tell an outage from a miss, health checks ping the
// tier instead (HealthCheck, Tiered.Ping), which does not fail open.
//
// # Linking
//
// This package links only the standard library, golang.org/x/sync, otter,
// runtime/metrics and runtime/health (for HealthCheck; it links no SDK): a
// handler that uses only the memory tier links no AWS SDK or Valkey client
// (TestCoreLinksNoBackendClient proves it with go list -deps). FromEnv
// therefore builds an L2 tier only from a Backend passed in
// (dynamocache.Backend(), valkeycache.Backend()); the cacheenv package passes
// all of them for code that lets the CDK app choose.
//
// # Keys
//
// Scope namespaces keys by service and optional tenant with a length-prefixed
// encoding, so no choice of names or keys can reach another namespace.
//
// # Stored values
//
// GetOrLoad stores an 11-byte envelope (magic, version, flags, fresh-until in
// unix ms) before the codec's bytes; a value that fails to parse or decode is
// reloaded, never returned. Cache.Get and Set store bytes as given. The memory
// tier also keeps the value GetOrLoad decoded, so its hits do not decode:
// values GetOrLoad returns are shared and must be treated as read-only.
//
// # No background work
//
// Lambda freezes a process between invocations, so nothing here starts work
// that must finish later: stale-while-revalidate reloads synchronously in the
// first caller that finds a stale value, while concurrent callers get the
// stale value at once. Two kinds of short goroutines touch only process
// memory, where a freeze is harmless: the memory fill after an L2 hit (off the
// request path; dropped if a Set or Delete happened since the read), and an
// L2 call of a tier that does not vouch for its context (ContextBound), which
// the caller abandons at the bound.
package cache

import (
	"context"
	"errors"
	"time"
)

// Cache is a byte cache. Implementations are safe for concurrent use.
type Cache interface {
	// Get returns the value stored under key, or an error wrapping ErrNotFound
	// on a miss (absent or expired). The returned slice may be shared with the
	// cache: callers must not modify it.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key for ttl. The cache keeps its own copy of value.
	// A ttl <= 0 is an error wrapping ErrInvalidTTL.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Delete removes key. Deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
}

// ExpiryGetter is implemented by tiers that know when a stored value expires.
// The tiered cache uses it so that the memory copy of an L2 value never
// outlives the L2 value.
type ExpiryGetter interface {
	GetWithExpiry(ctx context.Context, key string) (value []byte, expiresAt time.Time, err error)
}

// Sentinel errors. Errors returned by this package and its backends wrap them.
var (
	// ErrNotFound reports a miss.
	ErrNotFound = errors.New("cache: not found")
	// ErrValueTooLarge reports a value over a tier's limit (the memory tier's
	// byte budget, DynamoDB's 400 KB item). The value was not stored.
	ErrValueTooLarge = errors.New("cache: value too large")
	// ErrInvalidKey reports a key a tier cannot store (empty, too long, or not
	// valid UTF-8 where the backend needs it).
	ErrInvalidKey = errors.New("cache: invalid key")
	// ErrInvalidTTL reports a ttl <= 0.
	ErrInvalidTTL = errors.New("cache: ttl must be positive")
	// ErrCorruptEntry reports stored bytes that are not a valid entry.
	ErrCorruptEntry = errors.New("cache: corrupt entry")
	// ErrInvalidConfig reports a missing or bad option or configuration variable.
	ErrInvalidConfig = errors.New("cache: invalid configuration")
)
