package idempotency

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// finishTimeout bounds recording the outcome after fn returns. It runs on a
// context detached from the caller's, which fn may have used up. (A
// variable so a test can shorten it.)
var finishTimeout = 5 * time.Second

// Poll intervals while waiting for a concurrent call with the same key.
const (
	firstPoll = 20 * time.Millisecond
	maxPoll   = 500 * time.Millisecond
)

// Do runs fn once per key: see the package documentation. When fn runs but
// its result cannot be recorded, Do returns fn's result together with an
// error wrapping ErrNotStored.
func Do[T any](ctx context.Context, store Store, key string, fn func(context.Context) (T, error), opts ...Option) (T, error) {
	var zero T
	o, err := buildOptions(opts)
	if err != nil {
		return zero, err
	}
	if store == nil || fn == nil {
		return zero, fmt.Errorf("%w: Do needs a store and a function", ErrInvalidConfig)
	}
	if err := checkKey(key); err != nil {
		return zero, err
	}
	token := rand.Text()
	waitUntil := time.Now().Add(o.wait)
	poll := firstPoll
	for {
		now := o.now()
		claim := Record{Status: StatusInProgress, Token: token, Fingerprint: o.fingerprint, Expires: now.Add(lease(ctx, o.lease))}
		cur, claimed, err := store.Claim(ctx, key, claim, now)
		if err != nil {
			return zero, fmt.Errorf("idempotency: claim key %q: %w", key, err)
		}
		if claimed {
			return run(ctx, store, key, claim, fn, o)
		}
		if cur.Fingerprint != o.fingerprint {
			return zero, fmt.Errorf("%w: key %q", ErrKeyReused, key)
		}
		if cur.Status == StatusCompleted {
			return replay[T](key, cur)
		}
		remaining := time.Until(waitUntil)
		if remaining <= 0 {
			return zero, fmt.Errorf("%w: key %q", ErrInProgress, key)
		}
		t := time.NewTimer(min(poll, remaining))
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, fmt.Errorf("%w: key %q: stopped waiting: %w", ErrInProgress, key, context.Cause(ctx))
		case <-t.C:
		}
		poll = min(2*poll, maxPoll)
	}
}

// lease is how long a claim holds: until the context's deadline (in Lambda,
// the invocation's timeout, after which the environment cannot still be
// working on it), else the configured lease.
func lease(ctx context.Context, fallback time.Duration) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Until(d), time.Millisecond)
	}
	return fallback
}

func run[T any](ctx context.Context, store Store, key string, claim Record, fn func(context.Context) (T, error), o options) (v T, err error) {
	// The outcome is recorded under its own bound, which starts when fn
	// returns: work longer than finishTimeout must still be stored.
	finishing := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	}
	defer func() {
		if p := recover(); p != nil {
			finish, cancel := finishing()
			defer cancel()
			_ = store.Release(finish, key, claim.Token)
			panic(p)
		}
	}()
	v, ferr := fn(ctx)
	finish, cancel := finishing()
	defer cancel()
	done := Record{Status: StatusCompleted, Token: claim.Token, Fingerprint: claim.Fingerprint}
	if ferr != nil {
		if o.storeErr == nil || !o.storeErr(ferr) {
			if rerr := store.Release(finish, key, claim.Token); rerr != nil {
				return v, errors.Join(ferr, fmt.Errorf("idempotency: release key %q: %w", key, rerr))
			}
			return v, ferr
		}
		done.Error = &StoredError{Message: ferr.Error()}
	} else if done.Value, err = json.Marshal(v); err != nil {
		_ = store.Release(finish, key, claim.Token)
		return v, fmt.Errorf("%w: key %q: encode result as JSON: %v", ErrNotStored, key, err)
	}
	now := o.now()
	done.Expires = now.Add(o.ttl)
	if err := store.Complete(finish, key, done, now); err != nil {
		if !errors.Is(err, ErrClaimLost) {
			_ = store.Release(finish, key, claim.Token)
		}
		return v, errors.Join(ferr, fmt.Errorf("%w: key %q: %w", ErrNotStored, key, err))
	}
	return v, ferr
}

func replay[T any](key string, rec Record) (T, error) {
	var v T
	if rec.Error != nil {
		return v, rec.Error
	}
	if err := json.Unmarshal(rec.Value, &v); err != nil {
		return v, fmt.Errorf("%w: key %q: stored result does not decode into %T: %v", ErrCorruptRecord, key, v, err)
	}
	return v, nil
}

func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeyBytes:
		return fmt.Errorf("%w: key of %d bytes exceeds %d", ErrInvalidKey, len(key), MaxKeyBytes)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: key is not valid UTF-8", ErrInvalidKey)
	}
	return nil
}
