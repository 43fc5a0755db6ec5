package discovery

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// Option configures a Resolver, a Client or both, as each option's doc says.
// NewResolver and NewClient refuse, with ErrInvalidConfig, an option that
// only the other one uses; FromEnv passes each option to what it configures.
type Option struct {
	name  string // the function that made it, for errors
	scope optionScope
	apply func(*config)
}

type optionScope uint8

const (
	forResolver optionScope = 1 << iota
	forClient
	forBoth = forResolver | forClient
)

func resolverOption(name string, apply func(*config)) Option {
	return Option{name: name, scope: forResolver, apply: apply}
}

func clientOption(name string, apply func(*config)) Option {
	return Option{name: name, scope: forClient, apply: apply}
}

func sharedOption(name string, apply func(*config)) Option {
	return Option{name: name, scope: forBoth, apply: apply}
}

// applyOptions applies opts to c for the type scope names; an option that
// only the other type uses, or a zero Option, is an error naming it.
func applyOptions(c *config, scope optionScope, opts []Option) error {
	target, other, otherNew := "Resolver", "Client", "NewClient"
	if scope == forClient {
		target, other, otherNew = other, target, "NewResolver"
	}
	var errs []error
	for _, o := range opts {
		switch {
		case o.apply == nil:
			errs = append(errs, fmt.Errorf("%w: a zero discovery.Option: make options with the package's With functions", ErrInvalidConfig))
		case o.scope&scope == 0:
			errs = append(errs, fmt.Errorf("%w: discovery.%s configures a %s, not a %s: pass it to %s (FromEnv passes each option where it belongs)",
				ErrInvalidConfig, o.name, other, target, otherNew))
		default:
			o.apply(c)
		}
	}
	return errors.Join(errs...)
}

// optionsFor returns the options of opts that scope uses (zero ones too, so
// that applyOptions reports them).
func optionsFor(scope optionScope, opts []Option) []Option {
	var out []Option
	for _, o := range opts {
		if o.apply == nil || o.scope&scope != 0 {
			out = append(out, o)
		}
	}
	return out
}

type config struct {
	refresh        time.Duration
	maxStale       time.Duration
	healthRefresh  time.Duration
	healthAuto     bool // healthRefresh follows the refresh interval
	jitter         float64
	refreshTimeout time.Duration
	clock          Clock
	maxResults     int32

	strategy   Strategy
	lambda     LambdaAPI
	httpClient *http.Client
	sign       *sigV4
	retry      RetryPolicy
	breaker    BreakerPolicy
	intn       func(n int) int
	metrics    *metrics.Writer
	service    string   // Service dimension; default metrics.ServiceDimension()
	targets    []string // services the Client may call; empty: any
}

func defaultConfig() config {
	return config{
		refresh:        contract.DefaultDiscoveryRefresh,
		maxStale:       contract.DefaultDiscoveryMaxStale,
		healthAuto:     true,
		jitter:         0.1,
		refreshTimeout: 2 * time.Second,
		clock:          systemClock{},
		maxResults:     1000,
		strategy:       RoundRobin,
		httpClient:     &http.Client{Transport: http.DefaultTransport},
		retry:          DefaultRetryPolicy(),
		breaker:        DefaultBreakerPolicy(),
		intn:           rand.IntN,
	}
}

func (c *config) validate() error {
	if c.healthAuto {
		c.healthRefresh = max(DefaultHealthRefresh, 4*c.refresh)
	}
	switch {
	case c.refresh <= 0:
		return fmt.Errorf("%w: refresh interval %v must be positive", ErrInvalidConfig, c.refresh)
	case c.maxStale < c.refresh:
		return fmt.Errorf("%w: max stale %v must be at least the refresh interval %v", ErrInvalidConfig, c.maxStale, c.refresh)
	case c.healthRefresh != 0 && c.healthRefresh < c.refresh:
		return fmt.Errorf("%w: health refresh %v must be 0 (off) or at least the refresh interval %v", ErrInvalidConfig, c.healthRefresh, c.refresh)
	case c.jitter < 0 || c.jitter > 1:
		return fmt.Errorf("%w: jitter %v must be within [0, 1]", ErrInvalidConfig, c.jitter)
	case c.maxResults < 1 || c.maxResults > 1000:
		return fmt.Errorf("%w: max results %d must be within [1, 1000]", ErrInvalidConfig, c.maxResults)
	}
	c.retry, c.breaker = c.retry.withDefaults(), c.breaker.withDefaults()
	return errors.Join(c.retry.validate(), c.breaker.validate())
}

// WithRefreshInterval sets how often a service's revision is polled.
// Default 30s; FromEnv passes LIFT_DISCOVERY_REFRESH instead when it is set.
//
// Configures a Resolver (NewResolver).
func WithRefreshInterval(d time.Duration) Option {
	return resolverOption("WithRefreshInterval", func(c *config) { c.refresh = d })
}

// WithMaxStale bounds how long cached instances are served while Cloud Map is
// unreachable. Default 15m; FromEnv passes LIFT_DISCOVERY_MAX_STALE instead
// when it is set.
//
// Configures a Resolver (NewResolver).
func WithMaxStale(d time.Duration) Option {
	return resolverOption("WithMaxStale", func(c *config) { c.maxStale = d })
}

// DefaultHealthRefresh is how often the instances are fetched even when the
// revision has not changed (see WithHealthRefresh); with a refresh interval
// above a quarter of it, the default becomes four refresh intervals.
const DefaultHealthRefresh = 2 * time.Minute

// WithHealthRefresh sets how often a refresh fetches the instances
// (DiscoverInstances) in place of the revision poll. Cloud Map does not change
// InstancesRevision when only health changes, so revision polling alone would
// never see an instance turn unhealthy. The fetch replaces that interval's
// revision call: a refresh is still one Cloud Map call. 0 polls the revision
// only (breakers then route around unhealthy instances). Default
// max(2m, 4 × refresh interval); must be 0 or at least the refresh interval.
//
// Configures a Resolver (NewResolver).
func WithHealthRefresh(d time.Duration) Option {
	return resolverOption("WithHealthRefresh", func(c *config) { c.healthRefresh, c.healthAuto = d, false })
}

// WithJitter lengthens each refresh interval by a random fraction in [0, f) so
// a fleet started together does not poll in lockstep. Default 0.1.
//
// Configures a Resolver (NewResolver).
func WithJitter(f float64) Option {
	return resolverOption("WithJitter", func(c *config) { c.jitter = f })
}

// WithRefreshTimeout bounds one refresh (both Cloud Map calls). Default 2s.
//
// Configures a Resolver (NewResolver).
func WithRefreshTimeout(d time.Duration) Option {
	return resolverOption("WithRefreshTimeout", func(c *config) { c.refreshTimeout = d })
}

// WithClock replaces the wall clock (tests). A Client always uses its
// Resolver's clock.
//
// Configures a Resolver (NewResolver).
func WithClock(clk Clock) Option {
	return resolverOption("WithClock", func(c *config) { c.clock = clk })
}

// WithStrategy selects how the Client picks an instance. Default RoundRobin.
//
// Configures a Client (NewClient).
func WithStrategy(s Strategy) Option {
	return clientOption("WithStrategy", func(c *config) { c.strategy = s })
}

// WithLambdaClient sets the client used for Lambda targets (FromEnv builds one
// from the aws.Config).
//
// Configures a Client (NewClient).
func WithLambdaClient(l LambdaAPI) Option {
	return clientOption("WithLambdaClient", func(c *config) { c.lambda = l })
}

// WithHTTPClient sets the client used for HTTP targets. Default: a client on
// http.DefaultTransport whose time limit is the call's context.
//
// Configures a Client (NewClient).
func WithHTTPClient(h *http.Client) Option {
	return clientOption("WithHTTPClient", func(c *config) { c.httpClient = h })
}

// WithRetryPolicy replaces the retry policy for idempotent calls.
//
// Configures a Client (NewClient).
func WithRetryPolicy(p RetryPolicy) Option {
	return clientOption("WithRetryPolicy", func(c *config) { c.retry = p })
}

// WithBreakerPolicy replaces the per-instance circuit breaker policy.
//
// Configures a Client (NewClient).
func WithBreakerPolicy(p BreakerPolicy) Option {
	return clientOption("WithBreakerPolicy", func(c *config) { c.breaker = p })
}

// WithRandSeed makes instance picking and backoff jitter deterministic (tests).
//
// Configures both a Resolver and a Client.
func WithRandSeed(seed uint64) Option {
	return sharedOption("WithRandSeed", func(c *config) {
		var mu sync.Mutex
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		c.intn = func(n int) int {
			mu.Lock()
			defer mu.Unlock()
			return r.IntN(n)
		}
	})
}

// WithMetrics sets where metrics go. Default metrics.Default().
//
// Configures both a Resolver and a Client.
func WithMetrics(w *metrics.Writer) Option {
	return sharedOption("WithMetrics", func(c *config) { c.metrics = w })
}

// WithServiceName sets the Service dimension of the metrics. Default: the
// calling function's service (metrics.ServiceDimension).
//
// Configures both a Resolver and a Client.
func WithServiceName(name string) Option {
	return sharedOption("WithServiceName", func(c *config) { c.service = name })
}

// WithTargets limits a Client to the services this function is connected to
// (FromEnv sets it from LIFT_DISCOVERY_TARGETS): calling another service fails
// at once with ErrUnknownService instead of with AccessDenied from Cloud Map.
// The targets' state is created at init, off the call path. Default: any
// service.
//
// Configures a Client (NewClient).
func WithTargets(services ...string) Option {
	return clientOption("WithTargets", func(c *config) { c.targets = append([]string(nil), services...) })
}
