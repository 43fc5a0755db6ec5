package cache_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

type user struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

func TestGetOrLoadMissThenHit(t *testing.T) {
	c := newMemory(t)
	var calls atomic.Int64
	load := func(context.Context) (user, error) {
		calls.Add(1)
		return user{Name: "ada", Roles: []string{"admin"}}, nil
	}
	for i := range 3 {
		u, err := cache.GetOrLoad(context.Background(), c, "u1", time.Minute, load)
		if err != nil || u.Name != "ada" || len(u.Roles) != 1 {
			t.Fatalf("call %d: %+v, %v", i, u, err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("loader ran %d times, want 1", calls.Load())
	}
}

func TestGetOrLoadSingleflight(t *testing.T) {
	c := newMemory(t)
	var calls atomic.Int64
	release := make(chan struct{})
	load := func(context.Context) (user, error) {
		calls.Add(1)
		<-release
		return user{Name: "x", Roles: []string{"r"}}, nil
	}
	const n = 32
	var wg sync.WaitGroup
	results := make([]user, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = cache.GetOrLoad(context.Background(), c, "k", time.Minute, load)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the callers queue on the load
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d concurrent misses ran the loader %d times, want 1", n, calls.Load())
	}
	for i := range n {
		if errs[i] != nil || results[i].Name != "x" {
			t.Fatalf("caller %d: %+v, %v", i, results[i], errs[i])
		}
	}
	results[0].Roles[0] = "mutated" // callers never share slices
	for i := 1; i < n; i++ {
		if results[i].Roles[0] != "r" {
			t.Fatalf("caller %d shares its value with caller 0", i)
		}
	}
}

func TestGetOrLoadWaiterHonoursItsContext(t *testing.T) {
	c := newMemory(t)
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	go func() {
		_, _ = cache.GetOrLoad(context.Background(), c, "k", time.Minute, func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		})
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (int, error) { return 2, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter past its deadline: %v, want DeadlineExceeded", err)
	}
}

func TestGetOrLoadLoaderError(t *testing.T) {
	c := newMemory(t)
	boom := errors.New("boom")
	_, err := cache.GetOrLoad(context.Background(), c, "k", time.Minute, func(context.Context) (int, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the loader's error", err)
	}
	if _, err := c.Get(context.Background(), "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("a failed load was cached: %v", err)
	}
}

func TestGetOrLoadLoaderPanicIsAnError(t *testing.T) {
	c := newMemory(t)
	_, err := cache.GetOrLoad(context.Background(), c, "k", time.Minute, func(context.Context) (int, error) { panic("oops") })
	if err == nil {
		t.Fatal("a panicking loader returned no error")
	}
}

func TestGetOrLoadNegativeCaching(t *testing.T) {
	c := newMemory(t)
	var calls atomic.Int64
	load := func(context.Context) (user, error) {
		calls.Add(1)
		return user{}, fmt.Errorf("user 7: %w", cache.ErrNotFound)
	}
	for range 3 {
		_, err := cache.GetOrLoad(context.Background(), c, "u7", time.Minute, load, cache.WithNegativeTTL(time.Minute))
		if !errors.Is(err, cache.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("negative answer loaded %d times, want 1", calls.Load())
	}
	// Without the option, "not found" is not cached.
	for range 2 {
		_, _ = cache.GetOrLoad(context.Background(), c, "u8", time.Minute, load)
	}
	if calls.Load() != 3 {
		t.Fatalf("loader calls %d, want 3", calls.Load())
	}
}

func TestGetOrLoadJitterNeverLengthens(t *testing.T) {
	c := newMemory(t)
	ctx := context.Background()
	for i := range 50 {
		key := fmt.Sprint("k", i)
		if _, err := cache.GetOrLoad(ctx, c, key, time.Minute, func(context.Context) (int, error) { return i, nil },
			cache.WithJitter(0.5)); err != nil {
			t.Fatal(err)
		}
		_, exp, err := c.GetWithExpiry(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(exp); d > time.Minute || d < 29*time.Second {
			t.Fatalf("ttl %v outside [30s, 1m] with jitter 0.5", d)
		}
	}
}

func TestGetOrLoadStaleWhileRevalidate(t *testing.T) {
	c := newMemory(t)
	ctx := context.Background()
	swr := cache.WithStaleWhileRevalidate(time.Minute)
	noJitter := cache.WithJitter(0)
	if _, err := cache.GetOrLoad(ctx, c, "k", 50*time.Millisecond, func(context.Context) (string, error) { return "v1", nil }, swr, noJitter); err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond) // now stale, still stored

	// One caller revalidates (slowly); a concurrent caller gets the stale value at once.
	release := make(chan struct{})
	started := make(chan struct{})
	var reval string
	done := make(chan struct{})
	go func() {
		defer close(done)
		reval, _ = cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) {
			close(started)
			<-release
			return "v2", nil
		}, swr, noJitter)
	}()
	<-started
	got, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) {
		t.Error("a second loader ran during revalidation")
		return "", nil
	}, swr, noJitter)
	if err != nil || got != "v1" {
		t.Fatalf("during revalidation: %q, %v; want the stale v1", got, err)
	}
	close(release)
	<-done
	if reval != "v2" {
		t.Fatalf("revalidating caller got %q, want v2", reval)
	}
	got, _ = cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) { return "v3", nil }, swr)
	if got != "v2" {
		t.Fatalf("after revalidation: %q, want v2", got)
	}
}

func TestGetOrLoadStaleIfError(t *testing.T) {
	c := newMemory(t)
	ctx := context.Background()
	swr := cache.WithStaleWhileRevalidate(time.Minute)
	_, _ = cache.GetOrLoad(ctx, c, "k", 30*time.Millisecond, func(context.Context) (string, error) { return "old", nil }, swr, cache.WithJitter(0))
	time.Sleep(60 * time.Millisecond)
	got, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (string, error) { return "", errors.New("db down") }, swr)
	if err != nil || got != "old" {
		t.Fatalf("failed revalidation: %q, %v; want the stale value and no error", got, err)
	}
}

func TestGetOrLoadTooLargeReturnsValueAndError(t *testing.T) {
	c := newMemory(t, cache.WithMaxBytes(4096))
	big := make([]byte, 8192)
	v, err := cache.GetOrLoad(context.Background(), c, "k", time.Minute, func(context.Context) ([]byte, error) { return big, nil },
		cache.WithCodec(cache.Bytes))
	if !errors.Is(err, cache.ErrValueTooLarge) || len(v) != len(big) {
		t.Fatalf("got %d bytes, %v; want the value and ErrValueTooLarge", len(v), err)
	}
}

func TestGetOrLoadCorruptEntryReloads(t *testing.T) {
	c := newMemory(t)
	ctx := context.Background()
	if err := c.Set(ctx, "k", []byte("not an envelope"), time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := cache.GetOrLoad(ctx, c, "k", time.Minute, func(context.Context) (int, error) { return 42, nil })
	if err != nil || got != 42 {
		t.Fatalf("corrupt entry: %d, %v; want a reload", got, err)
	}
}

func TestGetOrLoadFailOpenOnTieredL2Outage(t *testing.T) {
	l2 := newFakeL2(t)
	tc, _, _, _ := newTiered(t, l2)
	l2.down.Store(true)
	for i := range 20 {
		key := fmt.Sprint("k", i%3)
		_ = tc.Memory().Delete(context.Background(), key)
		v, err := cache.GetOrLoad(context.Background(), tc, key, time.Minute, func(context.Context) (int, error) { return i, nil })
		if err != nil || v != i {
			t.Fatalf("L2 down: %d, %v; want the loaded value %d", v, err, i)
		}
	}
}

func TestGetOrLoadBadArguments(t *testing.T) {
	c := newMemory(t)
	if _, err := cache.GetOrLoad(context.Background(), c, "k", 0, func(context.Context) (int, error) { return 1, nil }); !errors.Is(err, cache.ErrInvalidTTL) {
		t.Fatalf("ttl 0: %v", err)
	}
	if _, err := cache.GetOrLoad[int](context.Background(), c, "k", time.Second, nil); !errors.Is(err, cache.ErrInvalidConfig) {
		t.Fatalf("nil loader: %v", err)
	}
}
