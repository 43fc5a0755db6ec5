// Package idempotency runs a function once per key across every environment
// of a function, on the service's own DynamoDB or Valkey tier:
//
//	order, err := idempotency.Do(ctx, store, req.IdempotencyKey, func(ctx context.Context) (Order, error) {
//		return placeOrder(ctx, req)
//	}, idempotency.WithPayload(req))
//
// The first call with a key claims it (an in-progress record), runs fn and
// stores its result; later calls get the stored result without running fn.
// A call while the first is still running waits for it (bounded by WithWait)
// or gets ErrInProgress. A call with the same key but another payload gets
// ErrKeyReused. By default a failure is not stored, so the next call runs fn
// again (StoreErrors changes that). Completed records expire after WithTTL;
// an in-progress record expires when the claiming call's context deadline
// (the Lambda invocation's timeout) passes, so work left by a crashed
// environment is run again by the next call.
//
// Results and errors cross the store as JSON: T must survive
// encoding/json's round trip (exported fields, no channels or funcs), and a
// stored error comes back as a *StoredError carrying only its message.
//
// Middleware applies Do to HTTP requests that carry an Idempotency-Key
// header, replaying the first response's status, headers and body.
//
// Stores live in subpackages so a handler links only the client it uses:
// dynamostore (conditional PutItem) and valkeystore (SET NX PX and a
// compare-and-set script). FromEnv builds one from the service's cache tier.
package idempotency

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Sentinel errors. Errors returned by this package and its stores wrap them.
var (
	// ErrInProgress reports that another call with the key is still running
	// and did not finish within the wait (WithWait).
	ErrInProgress = errors.New("idempotency: a call with this key is in progress")
	// ErrKeyReused reports a key already used with a different payload.
	ErrKeyReused = errors.New("idempotency: key reused with a different payload")
	// ErrInvalidKey reports an empty key or one longer than MaxKeyBytes.
	ErrInvalidKey = errors.New("idempotency: invalid key")
	// ErrNotStored reports that fn ran but its outcome could not be recorded
	// (the store failed, the claim expired and was taken over, or the result
	// is not JSON-encodable): Do returns fn's result with this error, and a
	// later call with the key runs fn again.
	ErrNotStored = errors.New("idempotency: result not stored")
	// ErrClaimLost is returned by Store.Complete when the record no longer
	// holds the caller's claim token.
	ErrClaimLost = errors.New("idempotency: claim lost")
	// ErrCorruptRecord reports a stored record that cannot be decoded.
	ErrCorruptRecord = errors.New("idempotency: corrupt record")
	// ErrInvalidConfig reports a missing or bad option or configuration variable.
	ErrInvalidConfig = errors.New("idempotency: invalid configuration")
)

// MaxKeyBytes bounds a key (the IETF Idempotency-Key draft suggests UUIDs;
// this leaves room for composed keys while staying far under DynamoDB's
// 2048-byte partition key).
const MaxKeyBytes = 1024

// Status is the state of a record.
type Status string

// Values of Status.
const (
	StatusInProgress Status = "in_progress"
	StatusCompleted  Status = "completed"
)

// Record is what a Store keeps per key. Its JSON form (the stored bytes) is
// documented by its field tags.
type Record struct {
	Status Status `json:"status"`
	// Token identifies the call that claimed the key; Complete and Release
	// act only while the stored record still carries it.
	Token string `json:"token"`
	// Fingerprint is a hash of the call's payload ("" when none was given).
	Fingerprint string `json:"fingerprint,omitempty"`
	// Expires is when the record stops counting: the claim's lease for an
	// in-progress record, the TTL for a completed one.
	Expires time.Time `json:"expires"`
	// Value is fn's result, JSON-encoded (completed, no error).
	Value json.RawMessage `json:"value,omitempty"`
	// Error is fn's stored error (completed, StoreErrors chose to keep it).
	Error *StoredError `json:"error,omitempty"`
}

// Live reports whether r still counts at now.
func (r Record) Live(now time.Time) bool { return now.Before(r.Expires) }

// StoredError is an error kept in a record and returned on replay. Only the
// message crosses the store: errors.Is against the original sentinel does
// not hold for a replayed error.
type StoredError struct {
	Message string `json:"message"`
}

func (e *StoredError) Error() string { return e.Message }

// Store keeps records. Implementations must make Claim atomic across
// processes; idempotencytest.Run is the conformance suite they pass.
type Store interface {
	// Claim stores rec under key unless a live record (Live(now)) is there.
	// It returns (rec, true, nil) when it stored rec, otherwise the live
	// record and false.
	Claim(ctx context.Context, key string, rec Record, now time.Time) (Record, bool, error)
	// Complete replaces the record under key with rec if the stored record
	// still carries rec.Token; otherwise it returns an error wrapping ErrClaimLost.
	Complete(ctx context.Context, key string, rec Record, now time.Time) error
	// Release deletes the record under key if it still carries token. A
	// missing record or another token is not an error.
	Release(ctx context.Context, key, token string) error
}
