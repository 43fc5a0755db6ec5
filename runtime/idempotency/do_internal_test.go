package idempotency

import (
	"context"
	"testing"
	"time"
)

// deadlineStore claims every key and completes only on a live context, as a
// store's network call would.
type deadlineStore struct{ completed bool }

func (s *deadlineStore) Claim(_ context.Context, _ string, rec Record, _ time.Time) (Record, bool, error) {
	return rec, true, nil
}

func (s *deadlineStore) Complete(ctx context.Context, _ string, _ Record, _ time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.completed = true
	return nil
}

func (s *deadlineStore) Release(context.Context, string, string) error { return nil }

// Work that takes longer than finishTimeout is still stored: the bound on
// recording the outcome starts when the work returns (it once started before
// it, so any job over 5 s failed to store its result and ran again).
func TestLongWorkIsStored(t *testing.T) {
	defer func(d time.Duration) { finishTimeout = d }(finishTimeout)
	finishTimeout = 50 * time.Millisecond
	s := &deadlineStore{}
	got, err := Do(context.Background(), s, "k", func(context.Context) (string, error) {
		time.Sleep(2 * finishTimeout)
		return "done", nil
	})
	if err != nil || got != "done" || !s.completed {
		t.Fatalf("Do = %q, %v (stored %v); want the result stored", got, err, s.completed)
	}
}
