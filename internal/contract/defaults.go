package contract

import "time"

// Defaults applied by the runtime when a variable is unset, and written by the
// constructs so a deployed function states them explicitly.
const (
	DefaultLocalAddr         = "127.0.0.1:8080"
	DefaultShutdownBudget    = 400 * time.Millisecond // inside Lambda's ~500 ms before SIGKILL
	DefaultCacheMemoryBytes  = 64 << 20               // capped at a quarter of AWS_LAMBDA_FUNCTION_MEMORY_SIZE
	DefaultCacheTimeout      = 100 * time.Millisecond
	DefaultCacheKeyAttribute = "pk"
	DefaultCacheTTLAttribute = "expiresAt"
	DefaultDiscoveryRefresh  = 30 * time.Second
	DefaultDiscoveryMaxStale = 15 * time.Minute

	// MinCacheMemoryBytes is the smallest LIFT_CACHE_MEMORY_BYTES the runtime
	// accepts (room for two minimal entries); gofunction checks it at synth.
	MinCacheMemoryBytes = 256

	// MaxWarmupHold bounds the hold a warmer may ask for in a warm-up event.
	MaxWarmupHold = 5 * time.Second
)
