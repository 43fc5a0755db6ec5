package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

func scope(t testing.TB, c cache.Cache, service, tenant string) *cache.Scope {
	t.Helper()
	s, err := cache.NewScope(c, service)
	if err != nil {
		t.Fatal(err)
	}
	if tenant == "" {
		return s
	}
	ts, err := s.Tenant(tenant)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestScopeIsolation(t *testing.T) {
	mem := newMemory(t)
	ctx := context.Background()
	// Each pair would collide under a naive "service:tenant:key" join.
	scopes := []struct{ service, tenant, key string }{
		{"a", "b", "c"},
		{"a", "b:c", "d"},
		{"a", "b", "c:d"},
		{"a:b", "", "c"},
		{"a", "", "b:c"},
		{"a", "", "1:b/c"},
		{"a", "b/c", "d"},
		{"a", "b", "/c/d"},
		{"a/-/", "", "x"},
		{"a", "", "-/x"},
	}
	for i, s := range scopes {
		if err := scope(t, mem, s.service, s.tenant).Set(ctx, s.key, []byte{byte(i)}, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range scopes {
		v, err := scope(t, mem, s.service, s.tenant).Get(ctx, s.key)
		if err != nil || len(v) != 1 || v[0] != byte(i) {
			t.Fatalf("scope %+v read %v, %v; want its own value %d", s, v, err, i)
		}
	}
}

func TestScopeBadNames(t *testing.T) {
	mem := newMemory(t)
	if _, err := cache.NewScope(mem, ""); !errors.Is(err, cache.ErrInvalidConfig) {
		t.Fatalf("empty service: %v", err)
	}
	s := scope(t, mem, "svc", "")
	if _, err := s.Tenant(""); !errors.Is(err, cache.ErrInvalidKey) {
		t.Fatalf("empty tenant: %v", err)
	}
	ts := scope(t, mem, "svc", "t1")
	if _, err := ts.Tenant("t2"); !errors.Is(err, cache.ErrInvalidKey) {
		t.Fatalf("tenant of a tenant: %v", err)
	}
}

// FuzzScopeKeysInjective: two different (service, tenant, key) triples never
// map to the same stored key.
func FuzzScopeKeysInjective(f *testing.F) {
	f.Add("a", "b", "c", "a", "b:c", "")
	f.Add("a:b", "", "c", "a", "b", "c")
	f.Add("a", "", "-/x", "a/-/", "", "x")
	f.Add("1:a", "2", "x", "1", "a/2", "x")
	mem := newMemory(f)
	f.Fuzz(func(t *testing.T, s1, t1, k1, s2, t2, k2 string) {
		if s1 == "" || s2 == "" {
			return
		}
		a, b := scope(t, mem, s1, t1), scope(t, mem, s2, t2)
		same := s1 == s2 && t1 == t2 && k1 == k2
		if (a.Key(k1) == b.Key(k2)) != same {
			t.Fatalf("(%q,%q,%q) and (%q,%q,%q) both map to %q", s1, t1, k1, s2, t2, k2, a.Key(k1))
		}
	})
}
