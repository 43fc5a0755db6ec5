package cache_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// countingJSON is JSON that counts decodes.
type countingJSON struct{ decodes *atomic.Int64 }

func (c countingJSON) Marshal(v any) ([]byte, error) { return json.Marshal(v) }
func (c countingJSON) Unmarshal(b []byte, v any) error {
	c.decodes.Add(1)
	return json.Unmarshal(b, v)
}

type product struct {
	ID    string
	Tags  []string
	Price int
}

// A memory hit returns the value kept beside the bytes: no decode, no
// allocation, and the same shared data (read-only, as GetOrLoad documents).
func TestGetOrLoadMemoryHitDoesNotDecode(t *testing.T) {
	ctx := context.Background()
	var n atomic.Int64
	codec := cache.WithCodec(countingJSON{&n})
	load := func(context.Context) (product, error) { return product{"p", []string{"a"}, 1}, nil }
	for name, c := range map[string]cache.Cache{"memory": newMemory(t), "tiered": tieredOverFake(t)} {
		n.Store(0)
		first, err := cache.GetOrLoad(ctx, c, "k", time.Minute, load, codec)
		if err != nil {
			t.Fatal(err)
		}
		for range 100 {
			got, err := cache.GetOrLoad(ctx, c, "k", time.Minute, load, codec)
			if err != nil || got.ID != "p" || &got.Tags[0] != &first.Tags[0] {
				t.Fatalf("%s: hit = %+v, %v; want the loaded value, sharing its data", name, got, err)
			}
		}
		if d := n.Load(); d != 0 {
			t.Errorf("%s: %d decodes for 100 memory hits, want 0", name, d)
		}
		// Without options (with any, building them allocates once per call).
		if _, err := cache.GetOrLoad(ctx, c, "plain", time.Minute, load); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(100, func() { _, _ = cache.GetOrLoad(ctx, c, "plain", time.Minute, load) }); a != 0 {
			t.Errorf("%s: a memory hit allocates %v times, want 0", name, a)
		}
	}
}

// An L2 hit is decoded; the first memory hit decodes once more and keeps
// the value, later ones reuse it.
func TestGetOrLoadL2HitDecodesOnce(t *testing.T) {
	ctx := context.Background()
	l2 := newFakeL2(t)
	tc, _, _, _ := newTiered(t, l2)
	var n atomic.Int64
	codec := cache.WithCodec(countingJSON{&n})
	load := func(context.Context) (product, error) { return product{ID: "p"}, nil }
	if _, err := cache.GetOrLoad(ctx, tc, "k", time.Minute, load, codec); err != nil {
		t.Fatal(err)
	}
	_ = tc.Memory().Delete(ctx, "k") // as if another instance had filled L2
	n.Store(0)
	if got, err := cache.GetOrLoad(ctx, tc, "k", time.Minute, load, codec); err != nil || got.ID != "p" {
		t.Fatalf("L2 hit: %+v, %v", got, err)
	}
	waitFilled(t, tc, "k")
	for range 10 {
		if got, err := cache.GetOrLoad(ctx, tc, "k", time.Minute, load, codec); err != nil || got.ID != "p" {
			t.Fatalf("got %+v, %v", got, err)
		}
	}
	// One decode of the L2 hit, one of the first memory hit (the memory
	// entry is filled beside the request), none after.
	if d := n.Load(); d != 2 {
		t.Errorf("%d decodes for one L2 hit and 10 memory hits, want 2", d)
	}
}

// Readers of one key with another type or codec decode the bytes themselves.
func TestGetOrLoadOtherTypeOrCodecDecodesBytes(t *testing.T) {
	ctx := context.Background()
	c := newMemory(t)
	if _, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) { return "hello", nil }); err != nil {
		t.Fatal(err)
	}
	raw, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (json.RawMessage, error) { return nil, nil })
	if err != nil || string(raw) != `"hello"` {
		t.Fatalf("as json.RawMessage: %q, %v; want the JSON bytes", raw, err)
	}
	b, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) ([]byte, error) { return nil, nil }, cache.WithCodec(cache.Bytes))
	if err != nil || string(b) != `"hello"` {
		t.Fatalf("with the Bytes codec: %q, %v; want the stored bytes", b, err)
	}
	s, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) { return "", nil })
	if err != nil || s != "hello" {
		t.Fatalf("as string again: %q, %v", s, err)
	}
}

// Tenants keep their own decoded values for the same key.
func TestGetOrLoadTenantsKeepTheirOwnValues(t *testing.T) {
	ctx := context.Background()
	svc, err := cache.NewScope(tieredOverFake(t), "svc")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		for _, tenant := range []string{"acme", "globex"} {
			ts, _ := svc.Tenant(tenant)
			got, err := cache.GetOrLoad(ctx, ts, "k", time.Minute, func(context.Context) (string, error) { return tenant, nil })
			if err != nil || got != tenant {
				t.Fatalf("round %d, tenant %s: %q, %v", round, tenant, got, err)
			}
		}
	}
}

// A Set of new bytes replaces the decoded value with them.
func TestGetOrLoadSeesANewSet(t *testing.T) {
	ctx := context.Background()
	c := newMemory(t)
	load := func(context.Context) (string, error) { return "v1", nil }
	if _, err := cache.GetOrLoad(ctx, c, "k", time.Minute, load); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	got, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) { return "v2", nil })
	if err != nil || got != "v2" {
		t.Fatalf("after Delete: %q, %v; want a reload", got, err)
	}
}

func tieredOverFake(t *testing.T) *cache.Tiered {
	t.Helper()
	tc, _, _, _ := newTiered(t, newFakeL2(t))
	return tc
}
