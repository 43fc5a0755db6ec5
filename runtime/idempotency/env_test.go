package idempotency_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/idempotency"
)

func TestFromEnvRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"memory tier", map[string]string{contract.EnvService: "orders", contract.EnvCacheKind: contract.CacheKindMemory},
			[]string{"LIFT_CACHE_KIND=\"memory\"", "per process", "DynamoDB or Valkey"}},
		{"no tier", map[string]string{contract.EnvService: "orders"}, []string{"LIFT_CACHE_KIND=\"\"", "per process"}},
		{"store not linked", map[string]string{contract.EnvService: "orders", contract.EnvCacheKind: contract.CacheKindValkey},
			[]string{"not linked", "valkeystore.Backend()"}},
		{"no service", map[string]string{contract.EnvCacheKind: contract.CacheKindDynamoDB}, []string{"LIFT_SERVICE is not set"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{contract.EnvService, contract.EnvCacheKind} {
				t.Setenv(k, tt.env[k])
			}
			s, err := idempotency.FromEnv(context.Background())
			if s != nil || !errors.Is(err, idempotency.ErrInvalidConfig) {
				t.Fatalf("FromEnv = %v, %v; want ErrInvalidConfig", s, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestDoRejectsBadCalls(t *testing.T) {
	ctx := context.Background()
	fn := func(context.Context) (int, error) { t.Error("fn ran"); return 0, nil }
	var store idempotency.Store = refusingStore{}
	for _, tt := range []struct {
		name  string
		store idempotency.Store
		key   string
		opts  []idempotency.Option
		want  error
	}{
		{"nil store", nil, "k", nil, idempotency.ErrInvalidConfig},
		{"empty key", store, "", nil, idempotency.ErrInvalidKey},
		{"long key", store, strings.Repeat("k", idempotency.MaxKeyBytes+1), nil, idempotency.ErrInvalidKey},
		{"bad UTF-8", store, "\xff", nil, idempotency.ErrInvalidKey},
		{"zero TTL", store, "k", []idempotency.Option{idempotency.WithTTL(0)}, idempotency.ErrInvalidConfig},
		{"zero lease", store, "k", []idempotency.Option{idempotency.WithLease(0)}, idempotency.ErrInvalidConfig},
		{"negative wait", store, "k", []idempotency.Option{idempotency.WithWait(-time.Second)}, idempotency.ErrInvalidConfig},
		{"payload not JSON", store, "k", []idempotency.Option{idempotency.WithPayload(func() {})}, idempotency.ErrInvalidConfig},
	} {
		if _, err := idempotency.Do(ctx, tt.store, tt.key, fn, tt.opts...); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// refusingStore panics, failing the test, if Do reaches the store.
type refusingStore struct{ idempotency.Store }
