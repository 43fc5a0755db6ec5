package discovery

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// Client calls services found by a Resolver. Safe for concurrent use; build one
// per process at init.
type Client struct {
	resolver *Resolver
	cfg      config
	met      *meter

	services atomic.Pointer[map[string]*serviceState] // copy-on-write
	addMu    sync.Mutex
	// targets, when set, are the only services the client calls; their state
	// is created by NewClient, so a miss in services means an unknown service.
	targets []string
}

// serviceState is the client's per-service state: the current view and the
// targets (with their breakers) keyed by instance id.
type serviceState struct {
	name     string
	entry    *serviceEntry // the resolver's cache entry, looked up once
	view     atomic.Pointer[view]
	rr       atomic.Uint64
	counters *targetCounters

	mu      sync.Mutex
	targets map[string]*target
}

// NewClient returns a Client that resolves services through resolver.
// Lambda targets need WithLambdaClient (FromEnv sets it).
func NewClient(resolver *Resolver, opts ...Option) (*Client, error) {
	if resolver == nil {
		return nil, fmt.Errorf("%w: nil Resolver", ErrInvalidConfig)
	}
	cfg := defaultConfig()
	if err := applyOptions(&cfg, forClient, opts); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.httpClient == nil {
		return nil, fmt.Errorf("%w: nil HTTP client", ErrInvalidConfig)
	}
	cfg.clock = resolver.cfg.clock // one notion of time for refreshes, breakers and deadlines
	c := &Client{resolver: resolver, cfg: cfg, met: newMeter(&cfg)}
	empty := map[string]*serviceState{}
	c.services.Store(&empty)
	for _, t := range cfg.targets {
		c.addState(t) // create the targets' state and counters at init, off the call path
	}
	c.targets = cfg.targets
	return c, nil
}

// Resolver returns the resolver the client uses.
func (c *Client) Resolver() *Resolver { return c.resolver }

// Pick resolves service and returns the instance the next call would use,
// skipping instances whose breaker is open. The Instance is shared: read only.
func (c *Client) Pick(ctx context.Context, service string) (*Instance, error) {
	st, err := c.state(service)
	if err != nil {
		return nil, err
	}
	sl, err := c.pick(ctx, st, nil)
	if err != nil {
		return nil, err
	}
	return sl.inst, nil
}

func (c *Client) pick(ctx context.Context, st *serviceState, avoid *target) (slot, error) {
	now := lazyNow{clk: c.cfg.clock}
	if !c.resolver.timed {
		now.get()
	}
	set, err := c.resolver.resolveEntry(ctx, st.entry, now.ns)
	if err != nil {
		return slot{}, err
	}
	v := st.view.Load()
	if v == nil || v.set != set {
		if v, err = c.rebuild(st, set); err != nil {
			return slot{}, err
		}
	}
	sl, ok := v.pick(c.cfg.strategy, &st.rr, c.cfg.intn, avoid, &now)
	if !ok {
		st.counters.breakerOpen.Add(1)
		return slot{}, fmt.Errorf("%w: service %q (%d instances)", ErrCircuitOpen, st.name, len(v.slots))
	}
	return sl, nil
}

// rebuild makes the view of a new Set, keeping the targets (and breakers) of
// instances that are still there.
func (c *Client) rebuild(st *serviceState, set *Set) (*view, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if v := st.view.Load(); v != nil && v.set == set {
		return v, nil
	}
	v := &view{set: set}
	kept := make(map[string]*target, len(set.Instances))
	total := 0
	for i := range set.Instances {
		in := &set.Instances[i]
		if in.Weight == 0 {
			continue
		}
		t, ok := st.targets[in.ID]
		if !ok {
			t = newTarget(c.cfg.breaker, c.cfg.clock, st.name, in.ID)
		}
		kept[in.ID] = t
		total += in.Weight
		v.slots = append(v.slots, slot{inst: in, t: t})
		v.cum = append(v.cum, total)
	}
	if len(v.slots) == 0 {
		return nil, fmt.Errorf("%w: service %q has only drained (weight 0) instances", ErrNoInstances, st.name)
	}
	st.targets = kept
	st.view.Store(v)
	return v, nil
}

// state returns the per-service state, creating it on first use unless the
// client is limited to its targets.
func (c *Client) state(service string) (*serviceState, error) {
	if st, ok := (*c.services.Load())[service]; ok {
		return st, nil
	}
	if len(c.targets) > 0 {
		return nil, fmt.Errorf("%w: %q is not one of the services this function is connected to (%s=%s), and its IAM policy allows discovering only those; "+
			"connect it in the stack: consumer.Connect(provider) with constructs/service, or cloudmap.Connect(consumer, provider) with constructs/cloudmap",
			ErrUnknownService, service, contract.EnvDiscoveryTargets, strings.Join(c.targets, ","))
	}
	return c.addState(service), nil
}

func (c *Client) addState(service string) *serviceState {
	c.addMu.Lock()
	defer c.addMu.Unlock()
	old := *c.services.Load()
	if st, ok := old[service]; ok {
		return st
	}
	st := &serviceState{name: service, entry: c.resolver.entry(service), counters: c.met.target(service), targets: map[string]*target{}}
	next := maps.Clone(old)
	next[service] = st
	c.services.Store(&next)
	return st
}

// BreakerState returns the breaker state of one instance of service, and false
// when the client has not seen that instance.
func (c *Client) BreakerState(service, instanceID string) (BreakerState, bool) {
	st, ok := (*c.services.Load())[service]
	if !ok {
		return BreakerClosed, false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.targets[instanceID]
	if !ok {
		return BreakerClosed, false
	}
	return t.breaker.State(), true
}

// Invoke calls service with payload and returns the response body. A call
// marked Idempotent is retried on another instance after a retryable failure,
// with jittered backoff, only while the context's deadline leaves room.
func (c *Client) Invoke(ctx context.Context, service string, payload []byte, opts ...CallOption) ([]byte, error) {
	var co callOptions
	for _, o := range opts {
		o(&co)
	}
	st, err := c.state(service)
	if err != nil {
		return nil, err
	}
	st.counters.calls.Add(1)
	out, err := c.invoke(ctx, st, payload, &co)
	if err != nil {
		st.counters.errors.Add(1)
		return nil, err
	}
	return out, nil
}

func (c *Client) invoke(ctx context.Context, st *serviceState, payload []byte, co *callOptions) ([]byte, error) {
	var last *target
	var lastErr error
	for attempt := 0; ; attempt++ {
		sl, done, err := c.acquire(ctx, st, last)
		if err != nil {
			return nil, withCause(err, lastErr)
		}
		sl.t.outstanding.Add(1)
		out, err := c.attempt(ctx, st.name, sl.inst, payload, co)
		sl.t.outstanding.Add(-1)
		class := classify(ctx, err)
		done(class.breakerOutcome(err))
		if err == nil {
			return out, nil
		}
		lastErr = err
		if !(co.idempotent && class.retry || class.notRun) || attempt+1 >= c.cfg.retry.MaxAttempts {
			return nil, err
		}
		delay := c.cfg.retry.backoff(attempt, c.cfg.intn)
		if !c.cfg.retry.fitsDeadline(ctx, c.cfg.clock.Now(), delay) {
			return nil, fmt.Errorf("%w (no retry: the deadline leaves no room for another attempt)", err)
		}
		if serr := sleep(ctx, delay); serr != nil {
			return nil, fmt.Errorf("%w (retry abandoned: %w)", err, serr)
		}
		st.counters.retries.Add(1)
		last = sl.t
	}
}

// attempt is one call, bounded by the per-attempt timeout when one is set.
func (c *Client) attempt(ctx context.Context, service string, in *Instance, payload []byte, co *callOptions) ([]byte, error) {
	if co.attemptTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, co.attemptTimeout)
		defer cancel()
	}
	return c.call(ctx, service, in, payload, co)
}

// acquire picks an instance and reserves a breaker slot on it. A breaker that
// refuses (half-open with its probe already out) sends the pick elsewhere;
// nothing was sent, so this is safe even for calls that are not idempotent.
func (c *Client) acquire(ctx context.Context, st *serviceState, avoid *target) (slot, func(error), error) {
	for range 4 {
		sl, err := c.pick(ctx, st, avoid)
		if err != nil {
			return slot{}, nil, err
		}
		done, err := sl.t.breaker.Allow()
		if err == nil {
			return sl, done, nil
		}
		st.counters.breakerOpen.Add(1)
		avoid = sl.t
	}
	return slot{}, nil, fmt.Errorf("%w: service %q: breakers kept refusing", ErrCircuitOpen, st.name)
}

// CallOption configures one Invoke.
type CallOption func(*callOptions)

type callOptions struct {
	idempotent     bool
	attemptTimeout time.Duration
	headers        map[string]string
}

// AttemptTimeout bounds each attempt, so a hung instance leaves time to retry
// elsewhere inside the caller's deadline. An attempt that times out counts
// against that instance's breaker. Default: only the caller's deadline.
func AttemptTimeout(d time.Duration) CallOption { return func(o *callOptions) { o.attemptTimeout = d } }

// Idempotent marks a call safe to repeat, which allows retries.
func Idempotent() CallOption { return func(o *callOptions) { o.idempotent = true } }

// WithHeader adds an HTTP header to calls to HTTP targets (ignored for Lambda).
func WithHeader(name, value string) CallOption {
	return func(o *callOptions) {
		if o.headers == nil {
			o.headers = map[string]string{}
		}
		o.headers[name] = value
	}
}
