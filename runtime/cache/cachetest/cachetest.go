// Package cachetest is the conformance suite every cache.Cache passes: the
// memory tier, the tiered cache, and the DynamoDB and Valkey/Redis tiers
// against real servers.
package cachetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// LargeValueSize is the size of the suite's large value: big enough to cross
// network frames, under DynamoDB's 400 KB item limit.
const LargeValueSize = 300 << 10

// Run runs the suite. newCache is called once per subtest; caches may share a
// server, since every subtest uses keys of its own.
func Run(t *testing.T, newCache func(t *testing.T) cache.Cache) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, c cache.Cache, key func(string) string)
	}{
		{"Miss", testMiss},
		{"SetGet", testSetGet},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"TTLExpiry", testTTLExpiry},
		{"InvalidTTL", testInvalidTTL},
		{"EmptyValue", testEmptyValue},
		{"BinaryValue", testBinaryValue},
		{"LargeValue", testLargeValue},
		{"KeysWithSeparators", testKeysWithSeparators},
		{"CallerBufferNotRetained", testCallerBufferNotRetained},
		{"Concurrent", testConcurrent},
		{"CancelledContext", testCancelledContext},
		{"InvalidKey", testInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCache(t)
			if c == nil {
				t.Fatal("newCache returned nil")
			}
			prefix := fmt.Sprintf("cachetest/%s/%d/", t.Name(), rand.Int64())
			tt.fn(t, c, func(k string) string { return prefix + k })
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustSet(t *testing.T, c cache.Cache, key string, v []byte, ttl time.Duration) {
	t.Helper()
	if err := c.Set(ctx(t), key, v, ttl); err != nil {
		t.Fatalf("Set(%q, %d bytes, %v): %v", key, len(v), ttl, err)
	}
}

func mustGet(t *testing.T, c cache.Cache, key string, want []byte) {
	t.Helper()
	got, err := c.Get(ctx(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v, want %d bytes", key, err, len(want))
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %d bytes %.40q, want %d bytes %.40q", key, len(got), got, len(want), want)
	}
}

func mustMiss(t *testing.T, c cache.Cache, key string) {
	t.Helper()
	got, err := c.Get(ctx(t), key)
	if !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want an error wrapping cache.ErrNotFound", key, got, err)
	}
}

func testMiss(t *testing.T, c cache.Cache, key func(string) string) {
	mustMiss(t, c, key("never-set"))
}

func testSetGet(t *testing.T, c cache.Cache, key func(string) string) {
	mustSet(t, c, key("a"), []byte("alpha"), time.Minute)
	mustSet(t, c, key("b"), []byte("beta"), time.Minute)
	mustGet(t, c, key("a"), []byte("alpha"))
	mustGet(t, c, key("b"), []byte("beta"))
}

func testOverwrite(t *testing.T, c cache.Cache, key func(string) string) {
	mustSet(t, c, key("k"), []byte("first"), time.Minute)
	mustSet(t, c, key("k"), []byte("second, and longer"), time.Minute)
	mustGet(t, c, key("k"), []byte("second, and longer"))
	mustSet(t, c, key("k"), []byte("3"), time.Minute)
	mustGet(t, c, key("k"), []byte("3"))
}

func testDelete(t *testing.T, c cache.Cache, key func(string) string) {
	mustSet(t, c, key("k"), []byte("v"), time.Minute)
	if err := c.Delete(ctx(t), key("k")); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustMiss(t, c, key("k"))
	if err := c.Delete(ctx(t), key("absent")); err != nil {
		t.Fatalf("Delete of an absent key: %v, want nil", err)
	}
}

// testTTLExpiry allows 2.5 s of slack past the TTL: DynamoDB stores expiry in
// whole epoch seconds (rounded up, so values never expire early).
func testTTLExpiry(t *testing.T, c cache.Cache, key func(string) string) {
	const ttl = time.Second
	mustSet(t, c, key("short"), []byte("v"), ttl)
	mustSet(t, c, key("long"), []byte("w"), time.Minute)
	mustGet(t, c, key("short"), []byte("v"))
	deadline := time.Now().Add(ttl + 2500*time.Millisecond)
	for {
		_, err := c.Get(ctx(t), key("short"))
		if errors.Is(err, cache.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatalf("Get after TTL: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("value set with ttl %v still present after %v", ttl, ttl+2500*time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mustGet(t, c, key("long"), []byte("w"))
}

func testInvalidTTL(t *testing.T, c cache.Cache, key func(string) string) {
	for _, ttl := range []time.Duration{0, -time.Second} {
		err := c.Set(ctx(t), key("k"), []byte("v"), ttl)
		if !errors.Is(err, cache.ErrInvalidTTL) {
			t.Fatalf("Set with ttl %v: %v, want an error wrapping cache.ErrInvalidTTL", ttl, err)
		}
	}
	mustMiss(t, c, key("k"))
}

func testEmptyValue(t *testing.T, c cache.Cache, key func(string) string) {
	mustSet(t, c, key("empty"), []byte{}, time.Minute)
	mustGet(t, c, key("empty"), []byte{})
	mustSet(t, c, key("nil"), nil, time.Minute)
	mustGet(t, c, key("nil"), nil)
}

func testBinaryValue(t *testing.T, c cache.Cache, key func(string) string) {
	v := make([]byte, 0, 512)
	for i := range 256 {
		v = append(v, byte(i), byte(255-i))
	}
	v = append(v, 0xff, 0xfe, 0x00, 0xc3) // invalid UTF-8 and NULs
	mustSet(t, c, key("bin"), v, time.Minute)
	mustGet(t, c, key("bin"), v)
}

func testLargeValue(t *testing.T, c cache.Cache, key func(string) string) {
	v := make([]byte, LargeValueSize)
	for i := range v {
		v[i] = byte(rand.IntN(256))
	}
	mustSet(t, c, key("large"), v, time.Minute)
	mustGet(t, c, key("large"), v)
}

func testKeysWithSeparators(t *testing.T, c cache.Cache, key func(string) string) {
	keys := []string{"a:b", "a/b", "a b", "ключ", "日本", "a\tb", strings.Repeat("k", 200)}
	for i, k := range keys {
		mustSet(t, c, key(k), []byte{byte(i)}, time.Minute)
	}
	for i, k := range keys {
		mustGet(t, c, key(k), []byte{byte(i)})
	}
}

func testCallerBufferNotRetained(t *testing.T, c cache.Cache, key func(string) string) {
	buf := []byte("original")
	mustSet(t, c, key("k"), buf, time.Minute)
	copy(buf, "XXXXXXXX")
	mustGet(t, c, key("k"), []byte("original"))
}

func testConcurrent(t *testing.T, c cache.Cache, key func(string) string) {
	const workers, ops = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*ops)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := key(fmt.Sprintf("own-%d", w))
			for i := range ops {
				v := fmt.Appendf(nil, "%d-%d", w, i)
				if err := c.Set(ctx(t), own, v, time.Minute); err != nil {
					errs <- fmt.Errorf("Set: %w", err)
					return
				}
				got, err := c.Get(ctx(t), own)
				if err != nil || !bytes.Equal(got, v) {
					errs <- fmt.Errorf("worker %d read back %q, %v; want %q", w, got, err, v)
					return
				}
				if err := c.Set(ctx(t), key("shared"), v, time.Minute); err != nil {
					errs <- fmt.Errorf("Set shared: %w", err)
					return
				}
				if got, err := c.Get(ctx(t), key("shared")); err != nil || !bytes.Contains(got, []byte("-")) {
					errs <- fmt.Errorf("shared read %q, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testCancelledContext: with a cancelled context an operation returns at once,
// and either succeeds (an in-process tier needs no context) or fails with an
// error wrapping context.Canceled. It never reports a miss that is not one.
func testCancelledContext(t *testing.T, c cache.Cache, key func(string) string) {
	mustSet(t, c, key("k"), []byte("v"), time.Minute)
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if got, err := c.Get(cctx, key("k")); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Get with a cancelled context: %v, want nil or context.Canceled", err)
		} else if err == nil && string(got) != "v" {
			t.Errorf("Get with a cancelled context = %q, want %q", got, "v")
		}
		if err := c.Set(cctx, key("k2"), []byte("v"), time.Minute); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Set with a cancelled context: %v, want nil or context.Canceled", err)
		}
		if err := c.Delete(cctx, key("k")); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Delete with a cancelled context: %v, want nil or context.Canceled", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("an operation with a cancelled context did not return within 5s")
	}
	// An expired deadline behaves the same, with DeadlineExceeded.
	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if _, err := c.Get(dctx, key("k2")); err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Get past the deadline: %v, want nil, ErrNotFound or context.DeadlineExceeded", err)
	}
}

// testInvalidKey: a key cache.CheckKey refuses is the caller's error on every
// operation, before any server is asked.
func testInvalidKey(t *testing.T, c cache.Cache, key func(string) string) {
	for name, k := range map[string]string{
		"empty":         "",
		"too long":      key(strings.Repeat("k", cache.MaxKeyBytes)),
		"invalid UTF-8": key("bad\xffkey"),
	} {
		if err := c.Set(ctx(t), k, []byte("v"), time.Minute); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s key: Set = %v, want an error wrapping cache.ErrInvalidKey", name, err)
		}
		if _, err := c.Get(ctx(t), k); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s key: Get = %v, want an error wrapping cache.ErrInvalidKey", name, err)
		}
		if err := c.Delete(ctx(t), k); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("%s key: Delete = %v, want an error wrapping cache.ErrInvalidKey", name, err)
		}
	}
}
