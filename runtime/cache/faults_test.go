package cache_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// A key the backend would refuse is the caller's error: ErrInvalidKey from
// every entry point, with no L2 call, no CacheErrors and no "tier
// unavailable" line.
func TestInvalidKeyIsNotAnOutage(t *testing.T) {
	l2 := newFakeL2(t)
	tc, emf, w, logs := newTiered(t, l2, cache.WithLogInterval(time.Nanosecond))
	ctx := context.Background()
	load := func(context.Context) (string, error) { return "v", nil }
	for name, k := range map[string]string{
		"empty": "", "too long": strings.Repeat("k", cache.MaxKeyBytes+1), "invalid UTF-8": "bad\xffkey",
	} {
		if _, err := tc.Get(ctx, k); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s: Get = %v, want ErrInvalidKey", name, err)
		}
		if err := tc.Set(ctx, k, []byte("v"), time.Minute); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s: Set = %v, want ErrInvalidKey", name, err)
		}
		if err := tc.Delete(ctx, k); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s: Delete = %v, want ErrInvalidKey", name, err)
		}
		if _, err := cache.GetOrLoad(ctx, tc, k, time.Minute, load); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s: GetOrLoad = %v, want ErrInvalidKey", name, err)
		}
	}
	if n := l2.gets.Load() + l2.sets.Load() + l2.deletes.Load(); n != 0 {
		t.Errorf("%d L2 calls for invalid keys, want 0", n)
	}
	w.Flush()
	if strings.Contains(emf.String(), "CacheErrors") {
		t.Errorf("invalid keys counted as CacheErrors:\n%s", emf.String())
	}
	if logs.Len() != 0 {
		t.Errorf("invalid keys logged as a tier failure:\n%s", logs.String())
	}
}

// keyEchoL2 fails every call with an error that quotes the key, as most
// clients' errors do.
type keyEchoL2 struct{}

func (keyEchoL2) Get(_ context.Context, key string) ([]byte, error) {
	return nil, fmt.Errorf("get %q failed for %s: connection reset", key, key)
}
func (keyEchoL2) Set(_ context.Context, key string, _ []byte, _ time.Duration) error {
	return fmt.Errorf("set %q failed: connection reset", key)
}
func (keyEchoL2) Delete(_ context.Context, key string) error {
	return fmt.Errorf("delete %q failed: connection reset", key)
}

func TestFailureLogsLeaveKeysOut(t *testing.T) {
	tc, _, _, logs := newTiered(t, keyEchoL2{}, cache.WithLogInterval(time.Nanosecond))
	ctx := context.Background()
	const secret = "user/alice@example.com/orders"
	_, _ = tc.Get(ctx, secret)
	_ = tc.Set(ctx, secret, []byte("v"), time.Minute)
	_ = tc.Delete(ctx, secret)
	out := logs.String()
	if n := strings.Count(out, "\n"); n != 3 {
		t.Fatalf("want 3 failure lines, got %d:\n%s", n, out)
	}
	if strings.Contains(out, "alice") {
		t.Errorf("a key reached the failure log:\n%s", out)
	}
	if !strings.Contains(out, "connection reset") {
		t.Errorf("the backend's error text was lost:\n%s", out)
	}
}

// blindL2 ignores the context and blocks until released, as a client stuck
// in a dial of its own does.
type blindL2 struct {
	release chan struct{}
	calls   *atomic.Int64
}

func (b blindL2) Get(context.Context, string) ([]byte, error) {
	b.calls.Add(1)
	<-b.release
	return nil, cache.ErrNotFound
}
func (b blindL2) Set(context.Context, string, []byte, time.Duration) error {
	b.calls.Add(1)
	<-b.release
	return nil
}
func (b blindL2) Delete(context.Context, string) error { b.calls.Add(1); <-b.release; return nil }

// A tier that does not vouch for its context is called in a goroutine the
// cache abandons at the bound.
func TestL2CallsEndWithinTheBoundWhateverTheClientDoes(t *testing.T) {
	l2 := blindL2{release: make(chan struct{}), calls: new(atomic.Int64)}
	defer close(l2.release)
	// limit is generous for a loaded machine, far below "until the client returns".
	const bound, limit = 100 * time.Millisecond, time.Second
	tc, _, _, _ := newTiered(t, l2, cache.WithTimeout(bound))
	ctx := context.Background()
	for i := range 5 {
		start := time.Now()
		_, err := tc.Get(ctx, "k")
		if took := time.Since(start); took > limit {
			t.Fatalf("Get %d took %v with a client that ignores its context, want at most %v", i, took, limit)
		}
		if !errors.Is(err, cache.ErrNotFound) {
			t.Fatalf("Get %d: %v, want a miss (fail open)", i, err)
		}
	}
}

// Past 64 calls that never returned, the tier fails fast without calling.
func TestStuckCallsAreBounded(t *testing.T) {
	l2 := blindL2{release: make(chan struct{}), calls: new(atomic.Int64)}
	defer close(l2.release)
	tc, _, _, _ := newTiered(t, l2, cache.WithTimeout(time.Millisecond))
	for range 80 {
		if _, err := tc.Get(context.Background(), "k"); !errors.Is(err, cache.ErrNotFound) {
			t.Fatalf("Get: %v, want a miss (fail open)", err)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); l2.calls.Load() < 64 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // the abandoned calls' goroutines may start late
	}
	time.Sleep(20 * time.Millisecond)
	if n := l2.calls.Load(); n != 64 {
		t.Fatalf("%d calls reached a tier with every call stuck, want 64", n)
	}
}
