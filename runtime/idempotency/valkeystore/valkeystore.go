// Package valkeystore keeps idempotency records on the service's ElastiCache
// (Valkey/Redis) tier. A claim is one SET NX PX GET: it writes the record only
// if the key is free, with the server expiring it when the claim's lease ends,
// and returns the current record when the key is taken. Completion and
// release are compare-and-set Lua scripts that act only while the stored
// record still carries the caller's claim token.
//
// A stored value is "<token> <record JSON>" (the idempotency.Record's JSON
// form); the token prefix lets the scripts compare without decoding JSON.
package valkeystore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
	"github.com/liftcdk/lift/runtime/idempotency"
)

// replaceIf sets KEYS[1] to ARGV[2] with PX ARGV[3] if its value starts with
// ARGV[1] (a claim token and a space, or a whole stored value); 1 if it did.
var replaceIf = valkey.NewLuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`)

// deleteIf deletes KEYS[1] if its value starts with ARGV[1].
var deleteIf = valkey.NewLuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// claimAttempts bounds retries when an expired record changes under a takeover.
const claimAttempts = 3

// Store is the Valkey/Redis store. Safe for concurrent use.
type Store struct{ client valkey.Client }

// New returns the store over client (for example valkeycache.Cache's Client()).
func New(client valkey.Client) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: valkeystore.New needs a client", idempotency.ErrInvalidConfig)
	}
	return &Store{client: client}, nil
}

// Backend lets idempotency.FromEnv build this store from the cache tier's
// environment, connecting as the Valkey cache tier does (TLS, cluster mode,
// IAM or password auth), and runtime/jobs the tier itself; opts are
// valkeycache's. Both share one connection, without client-side caching, so
// every read sees the server's value.
func Backend(opts ...valkeycache.Option) idempotency.Backend {
	var (
		once sync.Once
		conn *valkeycache.Cache
		err  error
	)
	connect := func(ctx context.Context, env cache.LookupEnv) (*valkeycache.Cache, error) {
		once.Do(func() {
			var cfg valkeycache.Config
			if cfg, err = valkeycache.ConfigFromEnv(env); err == nil {
				conn, err = valkeycache.New(ctx, cfg, append(opts[:len(opts):len(opts)], valkeycache.WithClientSideCaching(valkeycache.CSCOff))...)
			}
		})
		return conn, err
	}
	return idempotency.Backend{
		Kind: contract.CacheKindValkey,
		New: func(ctx context.Context, env cache.LookupEnv) (idempotency.Store, error) {
			c, err := connect(ctx, env)
			if err != nil {
				return nil, err
			}
			return New(c.Client())
		},
		Tier: func(ctx context.Context, env cache.LookupEnv) (cache.Cache, error) {
			c, err := connect(ctx, env)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
	}
}

// Close closes the client's connections.
func (s *Store) Close() { s.client.Close() }

// Claim writes rec with SET NX PX GET. A record that is there but expired by
// now (the server has not dropped it yet, or the caller's clock is ahead) is
// taken over with a compare-and-set on its exact value.
func (s *Store) Claim(ctx context.Context, key string, rec idempotency.Record, now time.Time) (idempotency.Record, bool, error) {
	val, err := encode(rec)
	if err != nil {
		return idempotency.Record{}, false, err
	}
	for range claimAttempts {
		old, err := s.client.Do(ctx, s.client.B().Set().Key(key).Value(val).Nx().Get().Px(ttl(rec, now)).Build()).ToString()
		if valkey.IsValkeyNil(err) {
			return rec, true, nil
		}
		if err != nil {
			return idempotency.Record{}, false, fmt.Errorf("valkeystore: claim %q: %w", key, err)
		}
		cur, err := decode(old)
		if err != nil {
			return idempotency.Record{}, false, fmt.Errorf("valkeystore: value of %q: %w", key, err)
		}
		if cur.Live(now) {
			return cur, false, nil
		}
		took, err := s.replaceIf(ctx, key, old, val, ttl(rec, now))
		if err != nil || took {
			return rec, took, err
		}
	}
	return idempotency.Record{}, false, fmt.Errorf("valkeystore: claim %q: the expired record kept changing; try again", key)
}

// Complete replaces the record if it still carries rec.Token.
func (s *Store) Complete(ctx context.Context, key string, rec idempotency.Record, now time.Time) error {
	val, err := encode(rec)
	if err != nil {
		return err
	}
	ok, err := s.replaceIf(ctx, key, rec.Token+" ", val, ttl(rec, now))
	switch {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("%w: valkeystore: %q is no longer this call's claim", idempotency.ErrClaimLost, key)
	}
	return nil
}

// Release deletes the record if it still carries token.
func (s *Store) Release(ctx context.Context, key, token string) error {
	if err := deleteIf.Exec(ctx, s.client, []string{key}, []string{token + " "}).Error(); err != nil {
		return fmt.Errorf("valkeystore: release %q: %w", key, err)
	}
	return nil
}

func (s *Store) replaceIf(ctx context.Context, key, prefix, val string, px time.Duration) (bool, error) {
	n, err := replaceIf.Exec(ctx, s.client, []string{key}, []string{prefix, val, fmt.Sprint(px.Milliseconds())}).AsInt64()
	if err != nil {
		return false, fmt.Errorf("valkeystore: compare-and-set %q: %w", key, err)
	}
	return n == 1, nil
}

// ttl is how long the server keeps rec: until it expires, at least 1 ms.
func ttl(rec idempotency.Record, now time.Time) time.Duration {
	return max(rec.Expires.Sub(now).Round(time.Millisecond), time.Millisecond)
}

func encode(rec idempotency.Record) (string, error) {
	if rec.Token == "" || strings.Contains(rec.Token, " ") {
		return "", fmt.Errorf("%w: valkeystore: claim token %q must be non-empty without spaces", idempotency.ErrInvalidConfig, rec.Token)
	}
	doc, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("valkeystore: encode record: %w", err)
	}
	return rec.Token + " " + string(doc), nil
}

// decode parses a stored value (outside bytes: anyone with access to the
// server can write the key).
func decode(v string) (idempotency.Record, error) {
	token, doc, ok := strings.Cut(v, " ")
	var rec idempotency.Record
	if !ok || token == "" {
		return rec, fmt.Errorf("%w: not an idempotency record (%d bytes)", idempotency.ErrCorruptRecord, len(v))
	}
	if err := json.Unmarshal([]byte(doc), &rec); err != nil {
		return rec, fmt.Errorf("%w: %v", idempotency.ErrCorruptRecord, err)
	}
	if rec.Token != token {
		return rec, fmt.Errorf("%w: token prefix does not match the record", idempotency.ErrCorruptRecord)
	}
	return rec, nil
}

var _ idempotency.Store = (*Store)(nil)
