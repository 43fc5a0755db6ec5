// Package cache is Lift's multi-tier cache: a byte-bounded in-memory tier, an
// optional shared L2 tier (DynamoDB or ElastiCache Valkey/Redis, in the
// dynamocache and valkeycache packages), and GetOrLoad, a typed read-through
// with singleflight, TTL jitter, negative caching and stale-while-revalidate.
//
// The core links only the standard library, golang.org/x/sync and otter: a
// handler that uses only the memory tier links no DynamoDB or Valkey client.
// L2 backends are passed in (see FromEnv and WithBackend), never imported here.
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
	// ErrConfig reports a missing or bad configuration variable.
	ErrConfig = errors.New("cache: bad configuration")
)
