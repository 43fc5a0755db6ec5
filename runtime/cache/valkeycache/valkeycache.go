// Package valkeycache is the ElastiCache (Valkey/Redis) L2 tier of
// runtime/cache, on github.com/valkey-io/valkey-go: TLS, cluster mode
// (ElastiCache Serverless exposes a cluster endpoint), IAM auth with a fresh
// SigV4 token per connection, or password auth with the password read from
// Secrets Manager; client-side caching only when the server accepts it.
//
// Build the tier once per process (cache.FromEnv does, at init): valkey-go
// keeps pooled, pipelined connections that later invocations reuse.
package valkeycache

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// Values are stored behind a 9-byte header: version (1), then the expiry in
// unix milliseconds, big endian. It lets the tiered cache keep its memory copy
// from outliving the server's copy without a second command per read.
const (
	headerVersion = 1
	headerLen     = 9
	// DefaultMaxValueBytes is Redis's and Valkey's default proto-max-bulk-len.
	DefaultMaxValueBytes = 512 << 20
)

// Cache is the Valkey/Redis tier. Safe for concurrent use.
type Cache struct {
	client          valkey.Client
	clientSideCache bool
	localTTL        time.Duration
	maxValue        int
	now             func() time.Time
	// standalone: built by New without cluster mode, where valkey-go ends
	// every call with its context. In cluster mode a call that finds no
	// connection for its slot refreshes the slot map with a dial bounded only
	// by the dial timeout, whatever the call's context says.
	standalone bool
}

// NewFromClient wraps a client built elsewhere. Client-side caching is used
// only if enabled is true, which requires a client built without DisableCache.
func NewFromClient(client valkey.Client, clientSideCache bool, opts ...Option) *Cache {
	o := buildOptions(opts)
	return &Cache{client: client, clientSideCache: clientSideCache, localTTL: o.localTTL, maxValue: o.maxValue, now: time.Now}
}

// EndsWithContext reports whether every call returns once its context ends
// (cache.ContextBound): true for a standalone client built by New. Other
// clients are guarded by the tiered cache instead.
func (c *Cache) EndsWithContext() bool { return c.standalone }

// Tier names the tier in metrics.
func (c *Cache) Tier() string { return contract.TierValkey }

// Client returns the underlying client, for commands the tier does not wrap.
func (c *Cache) Client() valkey.Client { return c.client }

// ClientSideCaching reports whether reads use server-assisted client-side caching.
func (c *Cache) ClientSideCaching() bool { return c.clientSideCache }

// Close closes the client's connections.
func (c *Cache) Close() { c.client.Close() }

// Get reads key with one GET.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	v, _, err := c.GetWithExpiry(ctx, key)
	return v, err
}

// GetWithExpiry reads key and its expiry with one GET.
func (c *Cache) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, error) {
	if err := cache.CheckKey(key); err != nil {
		return nil, time.Time{}, err
	}
	var res valkey.ValkeyResult
	if c.clientSideCache {
		res = c.client.DoCache(ctx, c.client.B().Get().Key(key).Cache(), c.localTTL)
	} else {
		res = c.client.Do(ctx, c.client.B().Get().Key(key).Build())
	}
	b, err := res.AsBytes()
	if err != nil {
		if valkey.IsValkeyNil(err) {
			return nil, time.Time{}, cache.ErrNotFound
		}
		return nil, time.Time{}, fmt.Errorf("valkeycache: get %q: %w", key, err)
	}
	v, exp, err := decodeValue(b)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("valkeycache: value of %q: %w", key, err)
	}
	if !c.now().Before(exp) {
		return nil, time.Time{}, cache.ErrNotFound
	}
	return v, exp, nil
}

// Set writes key with one SET ... PX.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := cache.CheckKey(key); err != nil {
		return err
	}
	if ttl <= 0 {
		return fmt.Errorf("%w: valkeycache set %q: ttl %v", cache.ErrInvalidTTL, key, ttl)
	}
	if len(value)+headerLen > c.maxValue {
		return fmt.Errorf("%w: valkeycache set %q: %d bytes exceed the %d-byte value limit",
			cache.ErrValueTooLarge, key, len(value), c.maxValue)
	}
	ttl = max(ttl.Round(time.Millisecond), time.Millisecond)
	stored := encodeValue(value, c.now().Add(ttl))
	cmd := c.client.B().Set().Key(key).Value(valkey.BinaryString(stored)).Px(ttl).Build()
	if err := c.client.Do(ctx, cmd).Error(); err != nil {
		return fmt.Errorf("valkeycache: set %q: %w", key, err)
	}
	return nil
}

// Delete removes key with one DEL.
func (c *Cache) Delete(ctx context.Context, key string) error {
	if err := cache.CheckKey(key); err != nil {
		return err
	}
	if err := c.client.Do(ctx, c.client.B().Del().Key(key).Build()).Error(); err != nil {
		return fmt.Errorf("valkeycache: delete %q: %w", key, err)
	}
	return nil
}

// Ping sends one PING, bounded by ctx: it reaches the server without touching
// a key (in cluster mode, any node).
func (c *Cache) Ping(ctx context.Context) error {
	if err := c.client.Do(ctx, c.client.B().Ping().Build()).Error(); err != nil {
		return fmt.Errorf("valkeycache: ping: %w", err)
	}
	return nil
}

func encodeValue(v []byte, exp time.Time) []byte {
	b := make([]byte, headerLen, headerLen+len(v))
	b[0] = headerVersion
	binary.BigEndian.PutUint64(b[1:], uint64(exp.UnixMilli()))
	return append(b, v...)
}

// decodeValue parses a stored value (outside bytes: anyone with access to the
// server can write the key).
func decodeValue(b []byte) ([]byte, time.Time, error) {
	if len(b) < headerLen || b[0] != headerVersion {
		return nil, time.Time{}, fmt.Errorf("%w: not a Lift cache value (%d bytes)", cache.ErrCorruptEntry, len(b))
	}
	ms := int64(binary.BigEndian.Uint64(b[1:headerLen]))
	if ms < 0 {
		return nil, time.Time{}, fmt.Errorf("%w: negative expiry %d", cache.ErrCorruptEntry, ms)
	}
	return b[headerLen:], time.UnixMilli(ms), nil
}

var (
	_ cache.ExpiryGetter = (*Cache)(nil)
	_ cache.Pinger       = (*Cache)(nil)
)
