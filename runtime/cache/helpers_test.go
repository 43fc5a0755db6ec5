package cache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

var errDown = errors.New("l2 down")

// fakeL2 is an in-process L2 that can be switched off, slowed down, and
// counts its calls.
type fakeL2 struct {
	inner                *cache.Memory
	down                 atomic.Bool
	delay                atomic.Int64 // nanoseconds each call sleeps (honouring ctx)
	gets, sets, deletes  atomic.Int64
	mu                   sync.Mutex
	lastDeadlineReserved time.Duration
}

func newFakeL2(t testing.TB) *fakeL2 { return &fakeL2{inner: newMemory(t)} }

func (f *fakeL2) Tier() string { return "fake" }

func (f *fakeL2) wait(ctx context.Context) error {
	if dl, ok := ctx.Deadline(); ok {
		f.mu.Lock()
		f.lastDeadlineReserved = time.Until(dl)
		f.mu.Unlock()
	}
	if d := time.Duration(f.delay.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f.down.Load() {
		return errDown
	}
	return nil
}

func (f *fakeL2) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, error) {
	f.gets.Add(1)
	if err := f.wait(ctx); err != nil {
		return nil, time.Time{}, err
	}
	return f.inner.GetWithExpiry(ctx, key)
}

func (f *fakeL2) Get(ctx context.Context, key string) ([]byte, error) {
	v, _, err := f.GetWithExpiry(ctx, key)
	return v, err
}

func (f *fakeL2) Set(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	f.sets.Add(1)
	if err := f.wait(ctx); err != nil {
		return err
	}
	return f.inner.Set(ctx, key, v, ttl)
}

func (f *fakeL2) Delete(ctx context.Context, key string) error {
	f.deletes.Add(1)
	if err := f.wait(ctx); err != nil {
		return err
	}
	return f.inner.Delete(ctx, key)
}
