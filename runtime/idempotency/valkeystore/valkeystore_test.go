package valkeystore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/idempotency/idempotencytest"
	"github.com/liftcdk/lift/runtime/idempotency/valkeystore"
)

func connect(t *testing.T, r *testsvc.RedisServer, cluster bool) *valkeystore.Store {
	t.Helper()
	cfg := valkeycache.Config{Endpoint: r.Addr, Cluster: cluster, TLS: r.TLSConfig != nil, Auth: contract.CacheAuthNone}
	c, err := valkeycache.New(context.Background(), cfg, valkeycache.WithTLSConfig(r.TLSConfig))
	if err != nil {
		t.Fatalf("connect to %s: %v\nserver logs:\n%s", r.Addr, err, r.Logs())
	}
	s, err := valkeystore.New(c.Client())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Valkey as ElastiCache Serverless runs it: TLS, cluster endpoint.
func TestConformanceValkeyTLSCluster(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true})
	s := connect(t, r, true)
	idempotencytest.Run(t, func(*testing.T) idempotency.Store { return s })
}

func TestConformanceRedisStandalone(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{})
	s := connect(t, r, false)
	idempotencytest.Run(t, func(*testing.T) idempotency.Store { return s })
}

// The store built from the contract's variables alone, as a deployed function
// would build it; the record is the documented "<token> <JSON>" value with a
// server-side expiry.
func TestFromEnv(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{Binary: "valkey-server", Cluster: true})
	t.Setenv(contract.EnvService, "orders")
	t.Setenv(contract.EnvCacheKind, contract.CacheKindValkey)
	t.Setenv(contract.EnvCacheEndpoint, r.Addr)
	t.Setenv(contract.EnvCacheCluster, "true")
	t.Setenv(contract.EnvCacheTLS, "false")
	ctx := context.Background()
	s, err := idempotency.FromEnv(ctx, valkeystore.Backend())
	if err != nil {
		t.Fatal(err)
	}
	got, err := idempotency.Do(ctx, s, "req-1", func(context.Context) (string, error) { return "done", nil })
	if err != nil || got != "done" {
		t.Fatalf("Do = %q, %v", got, err)
	}
	key := "6:orders/idempotency/req-1"
	v, err := r.Do(ctx, "GET", key)
	if s, _ := v.(string); err != nil || !strings.Contains(s, ` {"status":"completed"`) || !strings.Contains(s, `"value":"done"`) {
		t.Fatalf("GET %s = %v, %v; want the token then the record's JSON", key, v, err)
	}
	ttl, err := r.Do(ctx, "PTTL", key)
	if n, _ := ttl.(int64); err != nil || n <= 0 {
		t.Fatalf("PTTL %s = %v, %v; want a server-side expiry", key, ttl, err)
	}
}

func TestForeignValueIsCorrupt(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{})
	s := connect(t, r, false)
	ctx := context.Background()
	if _, err := r.Do(ctx, "SET", "foreign", "not a record"); err != nil {
		t.Fatal(err)
	}
	_, err := idempotency.Do(ctx, s, "foreign", func(context.Context) (int, error) { return 1, nil })
	if !errors.Is(err, idempotency.ErrCorruptRecord) {
		t.Fatalf("err = %v, want ErrCorruptRecord", err)
	}
}

// Backend's Tier is the tier itself, without client-side caching (so every
// environment reads the server's value), for records kept beside the
// idempotency records, such as runtime/jobs' statuses.
func TestBackendTier(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{})
	t.Setenv(contract.EnvCacheEndpoint, r.Addr)
	t.Setenv(contract.EnvCacheTLS, "false")
	ctx := context.Background()
	b := valkeystore.Backend()
	if _, err := b.New(ctx, nil); err != nil {
		t.Fatal(err)
	}
	tier, err := b.Tier(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := tier.(*valkeycache.Cache)
	if !ok || c.ClientSideCaching() {
		t.Fatalf("tier %T (client-side caching %v), want the Valkey tier without it", tier, ok && c.ClientSideCaching())
	}
	if err := tier.Set(ctx, "jobs/1", []byte("queued"), time.Minute); err != nil {
		t.Fatal(err)
	}
	other, err := valkeystore.Backend().Tier(ctx, nil) // another environment
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tier.Get(ctx, "jobs/1"); err != nil || string(got) != "queued" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := other.Set(ctx, "jobs/1", []byte("running"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := tier.Get(ctx, "jobs/1"); err != nil || string(got) != "running" {
		t.Fatalf("Get after another environment's update = %q, %v; want %q, no stale copy", got, err, "running")
	}
}
