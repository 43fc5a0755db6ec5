package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// Config is the cache configuration the constructs write into the environment;
// each field names the variable it is read from.
type Config struct {
	Service     string        // LIFT_SERVICE: key namespace and metric dimension
	Kind        string        // LIFT_CACHE_KIND: "dynamodb", "valkey", or "" or "memory" for memory only
	MemoryBytes int64         // LIFT_CACHE_MEMORY_BYTES
	Timeout     time.Duration // LIFT_CACHE_TIMEOUT, a Go duration such as "100ms"
}

// LookupEnv reads one variable; os.LookupEnv is the default.
type LookupEnv func(name string) (string, bool)

// Backend builds an L2 tier from the environment. The backend packages
// (dynamocache, valkeycache) provide one each; passing them in, rather than
// importing them here, keeps their SDK clients out of handlers that use only
// the memory tier.
type Backend struct {
	Kind string // the LIFT_CACHE_KIND value it serves: "dynamodb" or "valkey"
	New  func(ctx context.Context, env LookupEnv, opts ...Option) (Cache, error)
}

// WithBackend makes FromEnv able to build the L2 tier b.Kind.
func WithBackend(b Backend) Option {
	return func(o *options) {
		if o.backends == nil {
			o.backends = map[string]Backend{}
		}
		o.backends[b.Kind] = b
	}
}

// WithLookupEnv makes FromEnv read variables through f instead of os.LookupEnv.
func WithLookupEnv(f LookupEnv) Option { return func(o *options) { o.lookupEnv = f } }

// ConfigFromEnv reads and validates the core cache variables. The error names
// every missing or bad variable, its value and the fix.
func ConfigFromEnv(env LookupEnv) (Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	cfg := Config{MemoryBytes: defaultMemoryBytes(env), Timeout: contract.DefaultCacheTimeout}
	var errs []error
	cfg.Service, _ = env(contract.EnvService)
	if cfg.Service == "" {
		errs = append(errs, fmt.Errorf("%w: %s is not set: it names the service that cache keys and metrics belong to",
			ErrInvalidConfig, contract.EnvService))
	}
	cfg.Kind, _ = env(contract.EnvCacheKind)
	switch cfg.Kind {
	case "", contract.CacheKindMemory, contract.CacheKindDynamoDB, contract.CacheKindValkey:
	default:
		errs = append(errs, fmt.Errorf("%w: %s=%q: want one of %q, %q, %q (or unset for memory only)", ErrInvalidConfig,
			contract.EnvCacheKind, cfg.Kind, contract.CacheKindMemory, contract.CacheKindDynamoDB, contract.CacheKindValkey))
	}
	if s, ok := env(contract.EnvCacheMemoryBytes); ok && s != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < contract.MinCacheMemoryBytes {
			errs = append(errs, fmt.Errorf("%w: %s=%q: want a whole number of bytes, at least %d (e.g. %d for 64 MiB)",
				ErrInvalidConfig, contract.EnvCacheMemoryBytes, s, contract.MinCacheMemoryBytes, contract.DefaultCacheMemoryBytes))
		} else {
			cfg.MemoryBytes = n
		}
	}
	if s, ok := env(contract.EnvCacheTimeout); ok && s != "" {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%w: %s=%q: want a positive Go duration such as %q",
				ErrInvalidConfig, contract.EnvCacheTimeout, s, contract.DefaultCacheTimeout.String()))
		} else {
			cfg.Timeout = d
		}
	}
	return cfg, errors.Join(errs...)
}

// envFunctionMemory is the function's memory in MB, set by Lambda.
const envFunctionMemory = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"

// defaultMemoryBytes bounds the memory tier when contract.EnvCacheMemoryBytes
// is unset: contract.DefaultCacheMemoryBytes, but at most a quarter of the
// function's memory, so a 128 MB function keeps room for its own work. Outside
// Lambda (no usable AWS_LAMBDA_FUNCTION_MEMORY_SIZE) it is the plain default:
// Lambda always sets the variable, so a bad value is no reason to fail.
func defaultMemoryBytes(env LookupEnv) int64 {
	s, _ := env(envFunctionMemory)
	mb, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || mb <= 0 {
		return contract.DefaultCacheMemoryBytes
	}
	if mb >= 4*contract.DefaultCacheMemoryBytes>>20 { // also keeps the shift below from overflowing
		return contract.DefaultCacheMemoryBytes
	}
	// A quarter of even 1 MB is far above contract.MinCacheMemoryBytes.
	return mb << 20 / 4
}

// FromEnv builds exactly the tiers the environment configures: the memory
// tier, and over it the L2 tier named by LIFT_CACHE_KIND, seen through the
// service's key namespace. The L2 backend must be passed in with WithBackend
// (or use the cacheenv package, which passes all of them). Call it once, at
// init: it builds clients.
func FromEnv(ctx context.Context, opts ...Option) (*Scope, error) {
	o := buildOptions(opts)
	cfg, err := ConfigFromEnv(o.lookupEnv)
	if err != nil {
		return nil, err
	}
	if o.service == "" {
		o.service = cfg.Service
	}
	memOpts := append(opts[:len(opts):len(opts)], WithMaxBytes(cfg.MemoryBytes), WithService(o.service))
	mem, err := NewMemory(memOpts...)
	if err != nil {
		return nil, err
	}
	if cfg.Kind == "" || cfg.Kind == contract.CacheKindMemory {
		return NewScope(mem, cfg.Service)
	}
	b, ok := o.backends[cfg.Kind]
	if !ok || b.New == nil {
		return nil, fmt.Errorf("%w: %s=%s but the %s backend is not linked into this binary: pass %s.Backend() to cache.FromEnv, or call cacheenv.FromEnv",
			ErrInvalidConfig, contract.EnvCacheKind, cfg.Kind, cfg.Kind, backendPackage(cfg.Kind))
	}
	env := o.lookupEnv
	if env == nil {
		env = os.LookupEnv
	}
	l2, err := b.New(ctx, env, memOpts...)
	if err != nil {
		return nil, fmt.Errorf("cache: %s tier: %w", cfg.Kind, err)
	}
	t, err := NewTiered(mem, l2, append(memOpts, WithTimeout(cfg.Timeout))...)
	if err != nil {
		return nil, err
	}
	return NewScope(t, cfg.Service)
}

func backendPackage(kind string) string {
	switch kind {
	case contract.CacheKindDynamoDB:
		return "dynamocache"
	case contract.CacheKindValkey:
		return "valkeycache"
	}
	return kind + "cache"
}
