package discovery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"golang.org/x/sync/singleflight"
)

// Set is an immutable snapshot of one service's instances. It is shared by every
// caller: never modify it or its Instances.
type Set struct {
	Service   string
	Revision  int64
	Instances []Instance
	// Invalid holds one error per instance skipped for unusable attributes.
	Invalid []error
}

// Resolver caches Cloud Map instances per service. Safe for concurrent use;
// build one per process.
type Resolver struct {
	api       CloudMapAPI
	namespace string
	cfg       config
	met       *meter

	services atomic.Pointer[map[string]*serviceEntry] // copy-on-write
	addMu    sync.Mutex
	initial  singleflight.Group
	// timed: with the system clock, a timer per service says when its set
	// needs the clock again, so a cached resolve reads no clock (a clock read
	// was most of a pick's cost). With WithClock (tests) every resolve reads it.
	timed bool
}

type serviceEntry struct {
	name       string
	set        atomic.Pointer[Set]
	verifiedAt atomic.Int64 // unix nanos of the last successful Cloud Map answer
	fetchedAt  atomic.Int64 // unix nanos of the last DiscoverInstances
	nextCheck  atomic.Int64 // unix nanos; refresh is due from then on
	refreshing atomic.Bool
	// current is true from a confirmation until the earlier of nextCheck and
	// the max-stale bound, when timer clears it (timed resolvers only).
	current atomic.Bool
	timer   *time.Timer // guarded by mu

	mu       sync.Mutex
	lastErr  error // last refresh failure, kept for ErrStale / ErrUnavailable
	errUntil time.Time
	counters *targetCounters
}

// NewResolver returns a Resolver for the services of one Cloud Map HTTP namespace.
func NewResolver(api CloudMapAPI, namespace string, opts ...Option) (*Resolver, error) {
	cfg := defaultConfig()
	if err := applyOptions(&cfg, forResolver, opts); err != nil {
		return nil, err
	}
	if api == nil {
		return nil, fmt.Errorf("%w: nil Cloud Map client", ErrInvalidConfig)
	}
	if namespace == "" {
		return nil, fmt.Errorf("%w: empty Cloud Map namespace name", ErrInvalidConfig)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Resolver{api: api, namespace: namespace, cfg: cfg, met: newMeter(&cfg)}
	_, r.timed = cfg.clock.(systemClock)
	empty := map[string]*serviceEntry{}
	r.services.Store(&empty)
	return r, nil
}

// Namespace returns the Cloud Map namespace name.
func (r *Resolver) Namespace() string { return r.namespace }

// Resolve returns the cached instances of service, refreshing them first when
// the refresh interval has passed (one caller refreshes, the others keep the
// cached set). It returns ErrNoInstances when the service has no usable
// instance, ErrStale when Cloud Map has been unreachable for longer than the
// max-stale bound, and ErrUnavailable when nothing was ever fetched.
func (r *Resolver) Resolve(ctx context.Context, service string) (*Set, error) {
	return r.resolveEntry(ctx, r.entry(service), r.cfg.clock.Now().UnixNano())
}

// resolveEntry is Resolve for a known entry (the client's hot path). now is
// the time in unix nanos, or 0 for a timed resolver, which reads the clock
// only once the entry's timer says the set is due.
func (r *Resolver) resolveEntry(ctx context.Context, e *serviceEntry, now int64) (*Set, error) {
	set := e.set.Load()
	if set != nil && e.current.Load() && len(set.Instances) > 0 {
		return set, nil // confirmed, not due, not past max-stale: what serve would say
	}
	if now == 0 {
		now = r.cfg.clock.Now().UnixNano()
	}
	if set != nil && now < e.nextCheck.Load() {
		return r.serve(e, set, now)
	}
	return r.resolveSlow(ctx, e, set)
}

// schedule arms e's timer after nextCheck or verifiedAt moved: the set stays
// current until the refresh is due or the max-stale bound passes. After a
// Lambda freeze the timer fires on thaw; until it has, picks may use the set
// a moment longer (the scheduler's timer latency, microseconds).
func (r *Resolver) schedule(e *serviceEntry, now time.Time) {
	if !r.timed {
		return
	}
	d := time.Duration(e.nextCheck.Load() - now.UnixNano())
	d = min(d, time.Duration(e.verifiedAt.Load()+int64(r.cfg.maxStale)-now.UnixNano()))
	e.mu.Lock()
	defer e.mu.Unlock()
	if d <= 0 {
		e.current.Store(false)
		return
	}
	if e.timer == nil {
		e.timer = time.AfterFunc(d, func() { e.current.Store(false) })
	} else {
		e.timer.Stop()
		e.timer.Reset(d)
	}
	e.current.Store(true)
}

// serve applies the max-stale bound and the empty-set rule to a cached set.
func (r *Resolver) serve(e *serviceEntry, set *Set, now int64) (*Set, error) {
	if age := time.Duration(now - e.verifiedAt.Load()); age > r.cfg.maxStale {
		e.mu.Lock()
		cause := e.lastErr
		e.mu.Unlock()
		return nil, withCause(fmt.Errorf("%w: service %q in namespace %q last confirmed by Cloud Map %v ago (max %v)",
			ErrStale, e.name, r.namespace, age.Truncate(time.Millisecond), r.cfg.maxStale), cause)
	}
	if len(set.Instances) == 0 {
		return nil, withCause(fmt.Errorf("%w: service %q in namespace %q (revision %d, %d invalid instances)",
			ErrNoInstances, e.name, r.namespace, set.Revision, len(set.Invalid)), errors.Join(set.Invalid...))
	}
	return set, nil
}

func (r *Resolver) resolveSlow(ctx context.Context, e *serviceEntry, set *Set) (*Set, error) {
	if set == nil {
		return r.resolveInitial(ctx, e)
	}
	if !e.refreshing.CompareAndSwap(false, true) {
		// Another caller is refreshing: keep serving the cached set meanwhile.
		return r.serve(e, set, r.cfg.clock.Now().UnixNano())
	}
	defer e.refreshing.Store(false)
	rctx, cancel := context.WithTimeout(ctx, r.cfg.refreshTimeout)
	defer cancel()
	if err := r.refresh(rctx, e, set); err != nil && ctx.Err() == nil {
		// A failure caused by the caller's own deadline says nothing about Cloud
		// Map: leave the refresh due so the next caller tries again.
		r.fail(e, err)
	}
	return r.serve(e, e.set.Load(), r.cfg.clock.Now().UnixNano())
}

// resolveInitial fetches a service nobody has resolved yet. Concurrent callers
// share one fetch; each may stop waiting when its own context ends.
func (r *Resolver) resolveInitial(ctx context.Context, e *serviceEntry) (*Set, error) {
	e.mu.Lock()
	if r.cfg.clock.Now().Before(e.errUntil) {
		err := e.lastErr
		e.mu.Unlock()
		return nil, fmt.Errorf("%w: service %q in namespace %q (retrying after a short pause): %w", ErrUnavailable, e.name, r.namespace, err)
	}
	e.mu.Unlock()
	ch := r.initial.DoChan(e.name, func() (any, error) {
		if set := e.set.Load(); set != nil {
			return set, nil
		}
		// Detached from the first caller so its cancellation does not fail the others.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.refreshTimeout)
		defer cancel()
		err := r.refresh(rctx, e, nil)
		if err != nil {
			r.fail(e, err)
			e.mu.Lock()
			e.errUntil = r.cfg.clock.Now().Add(min(time.Second, r.cfg.refresh))
			e.mu.Unlock()
		}
		return e.set.Load(), err
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("discovery: resolve %q: %w", e.name, ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return nil, fmt.Errorf("%w: service %q in namespace %q: %w", ErrUnavailable, e.name, r.namespace, res.Err)
		}
		set := res.Val.(*Set)
		return r.serve(e, set, r.cfg.clock.Now().UnixNano())
	}
}

// refresh asks for the revision and fetches the instances only when it changed,
// or when the health-refresh interval has passed (health changes do not move
// the revision). Either way a refresh is a single Cloud Map call.
func (r *Resolver) refresh(ctx context.Context, e *serviceEntry, prev *Set) error {
	healthDue := r.cfg.healthRefresh > 0 &&
		time.Duration(r.cfg.clock.Now().UnixNano()-e.fetchedAt.Load()) >= r.cfg.healthRefresh
	if prev != nil && !healthDue {
		out, err := r.api.DiscoverInstancesRevision(ctx, &servicediscovery.DiscoverInstancesRevisionInput{
			NamespaceName: aws.String(r.namespace),
			ServiceName:   aws.String(e.name),
		})
		if err != nil {
			return fmt.Errorf("DiscoverInstancesRevision: %w", err)
		}
		if aws.ToInt64(out.InstancesRevision) == prev.Revision {
			r.confirmed(e)
			return nil
		}
	}
	out, err := r.api.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{
		NamespaceName: aws.String(r.namespace),
		ServiceName:   aws.String(e.name),
		HealthStatus:  types.HealthStatusFilterHealthyOrElseAll,
		MaxResults:    aws.Int32(r.cfg.maxResults),
	})
	if err != nil {
		return fmt.Errorf("DiscoverInstances: %w", err)
	}
	set := &Set{Service: e.name, Revision: aws.ToInt64(out.InstancesRevision)}
	for _, s := range out.Instances {
		in, err := ParseInstance(aws.ToString(s.InstanceId), s.Attributes)
		if err != nil {
			set.Invalid = append(set.Invalid, err)
			continue
		}
		in.Healthy = s.HealthStatus != types.HealthStatusUnhealthy
		set.Instances = append(set.Instances, in)
	}
	e.fetchedAt.Store(r.cfg.clock.Now().UnixNano())
	e.counters.refreshes.Add(1)
	if prev == nil || !sameSet(prev, set) {
		// Keep the old pointer when nothing changed so clients keep their views.
		e.set.Store(set)
	}
	r.confirmed(e)
	return nil
}

// sameSet reports whether two fetches list the same instances, attributes and health.
func sameSet(a, b *Set) bool {
	if a.Revision != b.Revision || len(a.Instances) != len(b.Instances) || len(a.Invalid) != len(b.Invalid) {
		return false
	}
	for i := range a.Instances {
		x, y := &a.Instances[i], &b.Instances[i]
		if x.ID != y.ID || x.Healthy != y.Healthy || !maps.Equal(x.Attributes, y.Attributes) {
			return false
		}
	}
	return true
}

func (r *Resolver) confirmed(e *serviceEntry) {
	now := r.cfg.clock.Now()
	e.verifiedAt.Store(now.UnixNano())
	e.nextCheck.Store(now.Add(r.nextInterval()).UnixNano())
	e.mu.Lock()
	e.lastErr, e.errUntil = nil, time.Time{}
	e.mu.Unlock()
	r.schedule(e, now)
}

// fail records a refresh failure; the next attempt waits a full interval so an
// outage does not multiply Cloud Map traffic.
func (r *Resolver) fail(e *serviceEntry, err error) {
	e.counters.errors.Add(1)
	now := r.cfg.clock.Now()
	e.nextCheck.Store(now.Add(r.nextInterval()).UnixNano())
	e.mu.Lock()
	e.lastErr = err
	e.mu.Unlock()
	r.schedule(e, now)
}

func (r *Resolver) nextInterval() time.Duration {
	d := r.cfg.refresh
	if span := int(float64(d) * r.cfg.jitter); span > 0 {
		d += time.Duration(r.cfg.intn(span))
	}
	return d
}

// entry returns the cache entry of service, creating it on first use.
func (r *Resolver) entry(service string) *serviceEntry {
	if e, ok := (*r.services.Load())[service]; ok {
		return e
	}
	r.addMu.Lock()
	defer r.addMu.Unlock()
	old := *r.services.Load()
	if e, ok := old[service]; ok {
		return e
	}
	e := &serviceEntry{name: service, counters: r.met.target(service)}
	next := maps.Clone(old)
	next[service] = e
	r.services.Store(&next)
	return e
}

func withCause(err, cause error) error {
	if cause == nil {
		return err
	}
	return fmt.Errorf("%w: %w", err, cause)
}
