package cache

import (
	"log/slog"
	"os"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// Option configures NewMemory, NewTiered and FromEnv. Options that do not
// apply to a constructor are ignored by it.
type Option func(*options)

type options struct {
	maxBytes  int64
	timeout   time.Duration
	memoryTTL time.Duration
	tier      string
	service   string
	metrics   *metrics.Writer
	logger    *slog.Logger
	logEvery  time.Duration
	backends  map[string]Backend
	lookupEnv func(string) (string, bool)
}

func defaultOptions() options {
	return options{
		maxBytes:  defaultMemoryBytes(os.LookupEnv),
		timeout:   contract.DefaultCacheTimeout,
		memoryTTL: time.Minute,
		logEvery:  10 * time.Second,
	}
}

func buildOptions(opts []Option) options {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithMaxBytes bounds the memory tier: keys, values and per-entry overhead
// together stay under n bytes. Default 64 MiB, or a quarter of the function's
// memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE) if less; FromEnv uses
// LIFT_CACHE_MEMORY_BYTES when it is set.
func WithMaxBytes(n int64) Option { return func(o *options) { o.maxBytes = n } }

// WithTimeout bounds every L2 call. The call also never uses more than half of
// the invocation's remaining time, so the loader keeps time to answer.
// Default 100ms; FromEnv uses LIFT_CACHE_TIMEOUT when it is set.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithMemoryTTL caps how long the tiered cache keeps a value in memory. It
// bounds how stale one instance can be after another overwrites or deletes the
// L2 value. The memory copy never outlives the L2 copy either way. Default 1m.
func WithMemoryTTL(d time.Duration) Option { return func(o *options) { o.memoryTTL = d } }

// WithTier names the L2 tier in metrics (the Tier dimension). Default: the
// backend's own name ("dynamodb", "valkey") or "l2".
func WithTier(name string) Option { return func(o *options) { o.tier = name } }

// WithService sets the Service metric dimension. Default $LIFT_SERVICE, then
// $AWS_LAMBDA_FUNCTION_NAME (metrics.ServiceDimension).
func WithService(name string) Option { return func(o *options) { o.service = name } }

// WithMetrics sends hit, miss and error counters to w. Default metrics.Default().
func WithMetrics(w *metrics.Writer) Option { return func(o *options) { o.metrics = w } }

// WithLogger logs L2 failures to l (rate limited). Default: slog.Default() at
// the time of each log line.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithLogInterval sets the minimum gap between two L2 failure logs of one tier;
// failures in between are counted and reported with the next log. Default 10s.
func WithLogInterval(d time.Duration) Option { return func(o *options) { o.logEvery = d } }
