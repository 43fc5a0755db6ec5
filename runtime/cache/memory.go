package cache

import (
	"context"
	"fmt"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/liftcdk/lift/internal/contract"
)

// entryOverhead approximates otter's per-entry memory (node, hash table slot,
// slice and string headers, timestamps), so a cache of tiny values is still
// bounded in real bytes, not only in payload bytes.
const entryOverhead = 128

// The smallest memory tier must hold two of the smallest entries: this fails
// to compile if contract.MinCacheMemoryBytes drops below that.
const _ = uint(contract.MinCacheMemoryBytes - 2*entryOverhead)

// Memory is the in-process tier: a W-TinyLFU cache (otter) bounded in bytes,
// with a TTL per entry. A Get hit allocates nothing and returns the stored
// slice itself: callers must not modify it.
//
// Otter runs its maintenance (eviction, expiry) in short goroutines of its own,
// off the request path. They touch only process memory, so a Lambda freeze in
// the middle of one is harmless: it resumes on thaw, and no request waits for it.
type Memory struct {
	c        *otter.Cache[string, memEntry]
	maxBytes int64
	m        tierMetrics
	flight   singleflight.Group
}

// memEntry is small (a slice and a pointer): otter keeps it inline in its
// node, and a larger node made every lookup measurably slower.
type memEntry struct {
	value []byte
	meta  *entryMeta
}

type entryMeta struct {
	ttl     time.Duration
	decoded decodedSlot // GetOrLoad's decoded form of value (see typed.go)
}

// NewMemory returns a memory tier bounded by WithMaxBytes.
func NewMemory(opts ...Option) (*Memory, error) {
	o := buildOptions(opts)
	if o.maxBytes < contract.MinCacheMemoryBytes {
		return nil, fmt.Errorf("%w: memory tier size %d bytes is too small: set %s (or WithMaxBytes) to at least %d",
			ErrInvalidConfig, o.maxBytes, contract.EnvCacheMemoryBytes, contract.MinCacheMemoryBytes)
	}
	c, err := otter.New(&otter.Options[string, memEntry]{
		MaximumWeight: uint64(o.maxBytes),
		Weigher:       func(k string, e memEntry) uint32 { return weight(k, e.value) },
		ExpiryCalculator: otter.ExpiryWritingFunc(func(e otter.Entry[string, memEntry]) time.Duration {
			return e.Value.meta.ttl
		}),
	})
	if err != nil {
		return nil, fmt.Errorf("cache: memory tier: %w", err)
	}
	return &Memory{c: c, maxBytes: o.maxBytes, m: newTierMetrics(&o, contract.TierMemory)}, nil
}

func weight(key string, value []byte) uint32 {
	w := int64(len(key)) + int64(len(value)) + entryOverhead
	if w > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(w)
}

// Get returns the value under key or ErrNotFound. It never blocks. A key
// CheckKey refuses is ErrInvalidKey; it is checked on a miss only, since a
// stored key was checked when it was set.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	e, ok := m.c.GetIfPresent(key)
	if !ok {
		return nil, m.miss(key)
	}
	m.m.hits.Add(1)
	return e.value, nil
}

// Set stores a copy of value for ttl. A value larger than the whole budget
// fails with ErrValueTooLarge.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if ttl <= 0 {
		return fmt.Errorf("%w: memory set %q: ttl %v", ErrInvalidTTL, key, ttl)
	}
	if n := int64(len(key)) + int64(len(value)) + entryOverhead; n > m.maxBytes {
		return fmt.Errorf("%w: memory set %q: %d bytes with key and overhead, over the %d-byte memory tier",
			ErrValueTooLarge, key, n, m.maxBytes)
	}
	m.c.Set(key, memEntry{value: append(make([]byte, 0, len(value)), value...), meta: &entryMeta{ttl: ttl}})
	return nil
}

// addOwned stores value without copying it unless key is present; it reports
// whether it stored it.
func (m *Memory) addOwned(key string, value []byte, ttl time.Duration) bool {
	if int64(len(key))+int64(len(value))+entryOverhead > m.maxBytes {
		return false
	}
	_, added := m.c.SetIfAbsent(key, memEntry{value: value, meta: &entryMeta{ttl: ttl}})
	return added
}

// Delete removes key.
func (m *Memory) Delete(_ context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	m.c.Invalidate(key)
	return nil
}

// GetWithExpiry returns the value and when it expires.
func (m *Memory) GetWithExpiry(_ context.Context, key string) ([]byte, time.Time, error) {
	e, ok := m.c.GetEntry(key)
	if !ok {
		return nil, time.Time{}, m.miss(key)
	}
	m.m.hits.Add(1)
	return e.Value.value, e.ExpiresAt(), nil
}

// miss counts a miss of a valid key; an invalid key is the caller's error.
func (m *Memory) miss(key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	m.m.misses.Add(1)
	return ErrNotFound
}

// WeightedSize reports the bytes the memory tier accounts for now.
func (m *Memory) WeightedSize() uint64 { return m.c.WeightedSize() }

func (m *Memory) flightGroup() *singleflight.Group { return &m.flight }
