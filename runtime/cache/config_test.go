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
				if !errors.Is(err, cache.ErrInvalidConfig) {
					t.Fatalf("err = %v, want ErrInvalidConfig", err)
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

// TestConfigFromEnvMemoryDefault checks the memory tier's default bound: at
// most a quarter of the function's memory, never more than 64 MiB, 64 MiB
// outside Lambda, and an explicit LIFT_CACHE_MEMORY_BYTES always wins.
func TestConfigFromEnvMemoryDefault(t *testing.T) {
	const fnMemory = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
	tests := []struct {
		name string
		env  map[string]string
		want int64
	}{
		{"128 MB function: a quarter", map[string]string{fnMemory: "128"}, 32 << 20},
		{"256 MB function: a quarter is the cap", map[string]string{fnMemory: "256"}, 64 << 20},
		{"512 MB function: capped", map[string]string{fnMemory: "512"}, contract.DefaultCacheMemoryBytes},
		{"1769 MB function: capped", map[string]string{fnMemory: "1769"}, contract.DefaultCacheMemoryBytes},
		{"1 MB: a quarter, above the minimum", map[string]string{fnMemory: "1"}, 256 << 10},
		{"outside Lambda", map[string]string{}, contract.DefaultCacheMemoryBytes},
		{"garbage memory size", map[string]string{fnMemory: "lots"}, contract.DefaultCacheMemoryBytes},
		{"zero memory size", map[string]string{fnMemory: "0"}, contract.DefaultCacheMemoryBytes},
		{"huge memory size does not overflow", map[string]string{fnMemory: "9223372036854775807"}, contract.DefaultCacheMemoryBytes},
		{"explicit wins over a small function", map[string]string{fnMemory: "128", contract.EnvCacheMemoryBytes: "100000000"}, 100000000},
		{"explicit wins outside Lambda", map[string]string{contract.EnvCacheMemoryBytes: "4096"}, 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env[contract.EnvService] = "orders"
			got, err := cache.ConfigFromEnv(envOf(tt.env))
			if err != nil || got.MemoryBytes != tt.want {
				t.Fatalf("MemoryBytes = %d, %v; want %d", got.MemoryBytes, err, tt.want)
			}
		})
	}
	t.Run("explicit value still validated", func(t *testing.T) {
		_, err := cache.ConfigFromEnv(envOf(map[string]string{contract.EnvService: "orders", fnMemory: "128",
			contract.EnvCacheMemoryBytes: "255"}))
		if !errors.Is(err, cache.ErrInvalidConfig) || !strings.Contains(err.Error(), contract.EnvCacheMemoryBytes+`="255"`) {
			t.Fatalf("err = %v; want ErrInvalidConfig naming %s", err, contract.EnvCacheMemoryBytes)
		}
	})
}

// TestNewMemoryDefaultFollowsFunctionMemory checks that NewMemory without
// WithMaxBytes applies the same default, read from the process environment.
func TestNewMemoryDefaultFollowsFunctionMemory(t *testing.T) {
	value := make([]byte, 32<<20) // over a quarter of 128 MB once key and overhead are added
	for _, tt := range []struct {
		memory  string
		wantErr string // "" means stored
	}{
		{"128", "over the 33554432-byte memory tier"},
		{"", ""}, // not in Lambda: 64 MiB
	} {
		t.Run("memory="+tt.memory, func(t *testing.T) {
			t.Setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", tt.memory)
			m, err := cache.NewMemory(quietMetrics())
			if err != nil {
				t.Fatal(err)
			}
			err = m.Set(context.Background(), "k", value, time.Minute)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Set of 32 MiB: %v; want it stored in a 64 MiB tier", err)
				}
				return
			}
			if !errors.Is(err, cache.ErrValueTooLarge) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Set of 32 MiB: %v; want ErrValueTooLarge %q", err, tt.wantErr)
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
	if !errors.Is(err, cache.ErrInvalidConfig) || !strings.Contains(err.Error(), "valkeycache.Backend()") {
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
