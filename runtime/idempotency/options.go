package idempotency

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Defaults of Do's options.
const (
	// DefaultTTL is how long a completed record is replayed.
	DefaultTTL = time.Hour
	// DefaultLease bounds an in-progress record when the context has no
	// deadline (with one, the lease ends at the deadline). It is Lambda's
	// longest function timeout.
	DefaultLease = 15 * time.Minute
	// DefaultWait is how long a call waits for another call with its key to
	// finish before returning ErrInProgress.
	DefaultWait = 10 * time.Second
)

// Option configures Do.
type Option func(*options)

type options struct {
	ttl, lease, wait time.Duration
	fingerprint      string
	err              error
	now              func() time.Time
	storeErr         func(error) bool
}

func buildOptions(opts []Option) (options, error) {
	o := options{ttl: DefaultTTL, lease: DefaultLease, wait: DefaultWait, now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	switch {
	case o.err != nil:
		return o, o.err
	case o.ttl <= 0:
		return o, fmt.Errorf("%w: WithTTL(%v): want a positive duration", ErrInvalidConfig, o.ttl)
	case o.lease <= 0:
		return o, fmt.Errorf("%w: WithLease(%v): want a positive duration", ErrInvalidConfig, o.lease)
	case o.wait < 0:
		return o, fmt.Errorf("%w: WithWait(%v): want zero (do not wait) or a positive duration", ErrInvalidConfig, o.wait)
	case o.now == nil:
		return o, fmt.Errorf("%w: WithClock(nil)", ErrInvalidConfig)
	}
	return o, nil
}

// WithTTL sets how long a completed record is replayed. Default DefaultTTL.
func WithTTL(d time.Duration) Option { return func(o *options) { o.ttl = d } }

// WithLease bounds the in-progress record when the context has no deadline.
// Default DefaultLease. Inside Lambda the invocation's deadline bounds it.
func WithLease(d time.Duration) Option { return func(o *options) { o.lease = d } }

// WithWait sets how long a call waits for a concurrent call with its key
// before returning ErrInProgress; 0 returns ErrInProgress at once. Default
// DefaultWait. The context's deadline also bounds the wait.
func WithWait(d time.Duration) Option { return func(o *options) { o.wait = d } }

// WithPayload fingerprints the call's input (the SHA-256 of its JSON
// encoding): a later call with the key and a different payload gets
// ErrKeyReused instead of another call's result.
func WithPayload(v any) Option {
	return func(o *options) {
		b, err := json.Marshal(v)
		if err != nil {
			o.err = fmt.Errorf("%w: WithPayload: encode payload as JSON: %v", ErrInvalidConfig, err)
			return
		}
		o.fingerprint = Fingerprint(b)
	}
}

// WithFingerprint sets the payload fingerprint directly (for payloads that
// are already bytes, as the HTTP middleware's are).
func WithFingerprint(fp string) Option { return func(o *options) { o.fingerprint = fp } }

// Fingerprint is the hex SHA-256 of b, the fingerprint WithPayload uses.
func Fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// StoreErrors keeps fn's error in the record when keep(err) is true, so
// later calls get it (as a *StoredError) without running fn. By default no
// error is kept and the next call runs fn again.
func StoreErrors(keep func(error) bool) Option { return func(o *options) { o.storeErr = keep } }

// WithClock replaces time.Now for record expiry (leases and TTLs), for tests.
// Waiting between polls uses real time.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }
