package cache_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

func envOf(m map[string]string) cache.LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    cache.Config
		wantErr []string // every substring must appear in the error
	}{
		{"defaults", map[string]string{contract.EnvService: "orders"},
			cache.Config{Service: "orders", MemoryBytes: contract.DefaultCacheMemoryBytes, Timeout: contract.DefaultCacheTimeout}, nil},
		{"all set", map[string]string{contract.EnvService: "orders", contract.EnvCacheKind: "dynamodb",
			contract.EnvCacheMemoryBytes: "1048576", contract.EnvCacheTimeout: "250ms"},
			cache.Config{Service: "orders", Kind: "dynamodb", MemoryBytes: 1 << 20, Timeout: 250 * time.Millisecond}, nil},
		{"no service", map[string]string{}, cache.Config{}, []string{contract.EnvService}},
		{"bad values named together", map[string]string{contract.EnvService: "s", contract.EnvCacheKind: "memcached",
			contract.EnvCacheMemoryBytes: "64MB", contract.EnvCacheTimeout: "-1s"}, cache.Config{},
			[]string{contract.EnvCacheKind + `="memcached"`, contract.EnvCacheMemoryBytes + `="64MB"`, contract.EnvCacheTimeout + `="-1s"`}},
		{"zero timeout", map[string]string{contract.EnvService: "s", contract.EnvCacheTimeout: "0s"}, cache.Config{},
			[]string{contract.EnvCacheTimeout}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cache.ConfigFromEnv(envOf(tt.env))
			if tt.wantErr != nil {
				if !errors.Is(err, cache.ErrConfig) {
					t.Fatalf("err = %v, want ErrConfig", err)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not name %q", err, s)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestFromEnvMemoryOnly(t *testing.T) {
	c, err := cache.FromEnv(context.Background(), quietMetrics(),
		cache.WithLookupEnv(envOf(map[string]string{contract.EnvService: "orders", contract.EnvCacheKind: "memory"})))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Unwrap().(*cache.Memory); !ok || c.Service() != "orders" {
		t.Fatalf("memory-only config built %T for %q", c.Unwrap(), c.Service())
	}
}

func TestFromEnvBackendNotLinked(t *testing.T) {
	_, err := cache.FromEnv(context.Background(), quietMetrics(),
		cache.WithLookupEnv(envOf(map[string]string{contract.EnvService: "s", contract.EnvCacheKind: "valkey"})))
	if !errors.Is(err, cache.ErrConfig) || !strings.Contains(err.Error(), "valkeycache.Backend()") {
		t.Fatalf("got %v; want an error naming valkeycache.Backend()", err)
	}
}

func TestFromEnvBuildsTiered(t *testing.T) {
	l2 := newFakeL2(t)
	var gotEnv string
	b := cache.Backend{Kind: contract.CacheKindDynamoDB, New: func(_ context.Context, env cache.LookupEnv, _ ...cache.Option) (cache.Cache, error) {
		gotEnv, _ = env(contract.EnvCacheTable)
		return l2, nil
	}}
	c, err := cache.FromEnv(context.Background(), quietMetrics(), cache.WithBackend(b), cache.WithLookupEnv(envOf(map[string]string{
		contract.EnvService: "s", contract.EnvCacheKind: "dynamodb", contract.EnvCacheTable: "tbl"})))
	if err != nil {
		t.Fatal(err)
	}
	tc, ok := c.Unwrap().(*cache.Tiered)
	if !ok || tc.L2() != cache.Cache(l2) || gotEnv != "tbl" {
		t.Fatalf("built %T (L2 env table %q)", c.Unwrap(), gotEnv)
	}
}
