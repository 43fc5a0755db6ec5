package lift

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
)

type coldStartKey struct{}

// ColdStart reports whether ctx belongs to the first invocation of an
// on-demand initialisation of this process (AWS_LAMBDA_INITIALIZATION_TYPE
// "on-demand"; local mode counts as on-demand). Provisioned-concurrency and
// SnapStart inits are never cold: no request waited for them.
func ColdStart(ctx context.Context) bool {
	v, _ := ctx.Value(coldStartKey{}).(bool)
	return v
}

var instanceID = sync.OnceValue(func() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
})

// InstanceID returns a random id, stable for the life of the process, that
// identifies this execution environment in warm-up and health responses and
// in every log line.
func InstanceID() string { return instanceID() }
