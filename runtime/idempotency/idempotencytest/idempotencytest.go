// Package idempotencytest is the conformance suite every idempotency.Store
// passes, run through idempotency.Do against real servers (DynamoDB on moto,
// Valkey and Redis). Expiry is tested with a fake clock: Do compares record
// expiry with the clock it is given, so no test waits for a TTL.
package idempotencytest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/internal/fakeclock"
)

// Run runs the suite. newStore is called once per subtest; stores may share a
// server, since every subtest uses keys of its own.
func Run(t *testing.T, newStore func(t *testing.T) idempotency.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s idempotency.Store, key string)
	}{
		{"ConcurrentCallsRunOnce", testConcurrentCallsRunOnce},
		{"ReplayWithoutRunning", testReplayWithoutRunning},
		{"KeyReusedWithOtherPayload", testKeyReused},
		{"FailureNotStored", testFailureNotStored},
		{"StoredError", testStoredError},
		{"InProgressWithoutWait", testInProgressWithoutWait},
		{"CompletedRecordExpires", testCompletedRecordExpires},
		{"CrashedClaimExpires", testCrashedClaimExpires},
		{"LeaseEndsAtDeadline", testLeaseEndsAtDeadline},
		{"PanicReleasesClaim", testPanicReleasesClaim},
		{"ReleaseNeedsToken", testReleaseNeedsToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			tt.fn(t, s, fmt.Sprintf("idempotencytest/%s/%d", t.Name(), rand.Int64()))
		})
	}
}

type result struct {
	ID    string   `json:"id"`
	Total int      `json:"total"`
	Items []string `json:"items"`
}

var want = result{ID: "ord-1", Total: 42, Items: []string{"a", "b"}}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func check(t *testing.T, got result, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Do = %+v, want %+v", got, want)
	}
}

func testConcurrentCallsRunOnce(t *testing.T, s idempotency.Store, key string) {
	const callers = 50
	var runs atomic.Int32
	fn := func(context.Context) (result, error) {
		runs.Add(1)
		time.Sleep(300 * time.Millisecond) // long enough for every caller to find the claim
		return want, nil
	}
	var wg sync.WaitGroup
	results := make([]result, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			results[i], errs[i] = idempotency.Do(ctx(t), s, key, fn, idempotency.WithPayload("same"), idempotency.WithWait(20*time.Second))
		})
	}
	close(start)
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("fn ran %d times for %d concurrent calls, want once", n, callers)
	}
	for i := range callers {
		check(t, results[i], errs[i])
	}
}

func testReplayWithoutRunning(t *testing.T, s idempotency.Store, key string) {
	got, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil })
	check(t, got, err)
	got, err = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) {
		t.Error("fn ran again for a completed key")
		return result{}, nil
	})
	check(t, got, err)
}

func testKeyReused(t *testing.T, s idempotency.Store, key string) {
	_, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil }, idempotency.WithPayload(map[string]int{"qty": 1}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) {
		t.Error("fn ran for a reused key")
		return want, nil
	}, idempotency.WithPayload(map[string]int{"qty": 2}))
	if !errors.Is(err, idempotency.ErrKeyReused) {
		t.Fatalf("Do with another payload: err = %v, want ErrKeyReused", err)
	}
	got, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return result{}, nil }, idempotency.WithPayload(map[string]int{"qty": 1}))
	check(t, got, err)
}

func testFailureNotStored(t *testing.T, s idempotency.Store, key string) {
	boom := errors.New("downstream unavailable")
	_, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return result{}, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	got, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil })
	check(t, got, err)
}

func testStoredError(t *testing.T, s idempotency.Store, key string) {
	declined := errors.New("card declined")
	keep := idempotency.StoreErrors(func(err error) bool { return errors.Is(err, declined) })
	_, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return result{}, declined }, keep)
	if !errors.Is(err, declined) {
		t.Fatalf("first call: err = %v, want fn's own error", err)
	}
	_, err = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) {
		t.Error("fn ran again after its error was stored")
		return want, nil
	}, keep)
	var stored *idempotency.StoredError
	if !errors.As(err, &stored) || stored.Message != declined.Error() {
		t.Fatalf("replay: err = %#v, want *StoredError %q", err, declined.Error())
	}
}

func claimFor(t *testing.T, s idempotency.Store, key string, now time.Time, lease time.Duration) idempotency.Record {
	t.Helper()
	rec := idempotency.Record{Status: idempotency.StatusInProgress, Token: fmt.Sprintf("crashed%d", rand.Int64()), Expires: now.Add(lease)}
	if _, claimed, err := s.Claim(ctx(t), key, rec, now); err != nil || !claimed {
		t.Fatalf("Claim = %v, %v; want a claim", claimed, err)
	}
	return rec
}

func testInProgressWithoutWait(t *testing.T, s idempotency.Store, key string) {
	claimFor(t, s, key, time.Now(), time.Hour)
	_, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) {
		t.Error("fn ran while another call held the key")
		return want, nil
	}, idempotency.WithWait(0))
	if !errors.Is(err, idempotency.ErrInProgress) {
		t.Fatalf("err = %v, want ErrInProgress", err)
	}
}

func testCompletedRecordExpires(t *testing.T, s idempotency.Store, key string) {
	c := fakeclock.New(time.Now())
	var runs atomic.Int32
	fn := func(context.Context) (result, error) { runs.Add(1); return want, nil }
	opts := []idempotency.Option{idempotency.WithClock(c.Now), idempotency.WithTTL(time.Hour)}
	for range 2 {
		got, err := idempotency.Do(ctx(t), s, key, fn, opts...)
		check(t, got, err)
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("fn ran %d times within the TTL, want once", n)
	}
	c.Advance(time.Hour + time.Second)
	got, err := idempotency.Do(ctx(t), s, key, fn, opts...)
	check(t, got, err)
	if n := runs.Load(); n != 2 {
		t.Fatalf("fn ran %d times after the TTL passed, want twice", n)
	}
}

// A claim whose owner died (no completion, no release) blocks the key until
// its lease ends; then the next call runs fn.
func testCrashedClaimExpires(t *testing.T, s idempotency.Store, key string) {
	c := fakeclock.New(time.Now())
	claimFor(t, s, key, c.Now(), 15*time.Minute)
	opts := []idempotency.Option{idempotency.WithClock(c.Now), idempotency.WithWait(0)}
	if _, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil }, opts...); !errors.Is(err, idempotency.ErrInProgress) {
		t.Fatalf("before the lease ends: err = %v, want ErrInProgress", err)
	}
	c.Advance(15*time.Minute + time.Second)
	got, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil }, opts...)
	check(t, got, err)
	got, err = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) {
		t.Error("fn ran again after the retry completed")
		return result{}, nil
	}, opts...)
	check(t, got, err)
}

// Inside Lambda the claim lasts until the invocation's deadline: a call made
// after it may take over, and the overrun call's late result is not stored.
func testLeaseEndsAtDeadline(t *testing.T, s idempotency.Store, key string) {
	c := fakeclock.New(time.Now())
	deadline, cancel := context.WithTimeout(ctx(t), 2*time.Second)
	defer cancel()
	var second result
	var secondErr error
	got, err := idempotency.Do(deadline, s, key, func(context.Context) (result, error) {
		c.Advance(3 * time.Second) // past the first call's deadline, as a retry after a timeout would be
		second, secondErr = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil },
			idempotency.WithClock(c.Now), idempotency.WithWait(0))
		return result{ID: "overrun"}, nil
	}, idempotency.WithClock(c.Now))
	check(t, second, secondErr)
	if !errors.Is(err, idempotency.ErrNotStored) || got.ID != "overrun" {
		t.Fatalf("overrun call = %+v, %v; want its own result with ErrNotStored", got, err)
	}
	got, err = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return result{}, nil }, idempotency.WithClock(c.Now))
	check(t, got, err)
}

func testPanicReleasesClaim(t *testing.T, s idempotency.Store, key string) {
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Fatalf("recovered %v, want fn's panic re-raised", p)
			}
		}()
		_, _ = idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { panic("boom") })
	}()
	got, err := idempotency.Do(ctx(t), s, key, func(context.Context) (result, error) { return want, nil }, idempotency.WithWait(0))
	check(t, got, err)
}

func testReleaseNeedsToken(t *testing.T, s idempotency.Store, key string) {
	now := time.Now()
	rec := claimFor(t, s, key, now, time.Hour)
	if err := s.Release(ctx(t), key, "someone-else"); err != nil {
		t.Fatalf("Release with another token: %v", err)
	}
	done := idempotency.Record{Status: idempotency.StatusCompleted, Token: "someone-else", Expires: now.Add(time.Hour), Value: []byte(`{}`)}
	if err := s.Complete(ctx(t), key, done, now); !errors.Is(err, idempotency.ErrClaimLost) {
		t.Fatalf("Complete with another token: err = %v, want ErrClaimLost", err)
	}
	cur, claimed, err := s.Claim(ctx(t), key, idempotency.Record{Status: idempotency.StatusInProgress, Token: "third", Expires: now.Add(time.Hour)}, now)
	if err != nil || claimed || cur.Token != rec.Token || cur.Status != idempotency.StatusInProgress {
		t.Fatalf("Claim after foreign release = %+v, %v, %v; want the original claim still held", cur, claimed, err)
	}
	if err := s.Release(ctx(t), key, rec.Token); err != nil {
		t.Fatal(err)
	}
	if _, claimed, err := s.Claim(ctx(t), key, idempotency.Record{Status: idempotency.StatusInProgress, Token: "fourth", Expires: now.Add(time.Hour)}, now); err != nil || !claimed {
		t.Fatalf("Claim after release = %v, %v; want a claim", claimed, err)
	}
}
