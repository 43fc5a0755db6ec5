// Package discovery finds Lift services through AWS Cloud Map and calls them.
//
// A [Resolver] caches the instances of each Cloud Map service. It never polls in
// the background (Lambda freezes idle environments mid-work): when a caller
// resolves a service whose refresh interval has passed, exactly one caller asks
// Cloud Map for the service's revision (DiscoverInstancesRevision) and fetches
// the instances (DiscoverInstances, HEALTHY_OR_ELSE_ALL) only when the revision
// changed; every other caller keeps using the cached set. During a Cloud Map
// outage the cached set is served until it is older than the max-stale bound,
// then [ErrStale] is returned. Steady state costs at most one revision call per
// refresh interval per service per process.
//
// A [Client] picks an instance (round robin, weighted random or power-of-two
// least-outstanding), guards each instance with a circuit breaker, retries
// idempotent calls with jittered backoff inside the caller's deadline, propagates
// the request id and X-Ray trace header, and invokes Lambda targets through the
// SDK or HTTP targets through net/http.
//
// Cloud Map does not move InstancesRevision when only health changes, so every
// health-refresh interval (WithHealthRefresh) the refresh fetches the instances
// instead of polling the revision: still one call per refresh interval.
//
// Metrics (runtime/metrics counters, dimensions Service and Target, flushed by
// lift.Start): DiscoveryCalls (Invoke calls), DiscoveryErrors (Invoke calls
// that failed after retries, and failed Cloud Map refreshes), DiscoveryRetries
// (extra attempts), DiscoveryRefreshes (instance sets fetched from Cloud Map)
// and BreakerOpen (picks refused because breakers were open).
//
// A client built by [FromEnv] calls only the services in LIFT_DISCOVERY_TARGETS,
// the ones the constructs connected and allowed this function to discover;
// another service fails at once with [ErrUnknownService] (see [WithTargets]).
//
// Build both once at init, for example with [FromEnv], and share them between
// concurrent invocations:
//
//	client, err := discovery.FromEnv(ctx, awsCfg)
//	...
//	out, err := client.Invoke(ctx, "orders", payload, discovery.Idempotent())
package discovery
