package cloudmap

import (
	"time"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// ConnectOption tunes how a consumer discovers. Options apply to the consumer
// (its environment holds one refresh interval and one max-stale bound), so
// every Connect of one consumer must agree on them.
type ConnectOption func(*connectConfig)

type connectConfig struct {
	refresh, maxStale time.Duration // 0: not set by this call
}

// WithRefresh sets LIFT_DISCOVERY_REFRESH, how often the consumer asks Cloud
// Map whether a target's instances changed (one DiscoverInstancesRevision per
// target per interval per environment). Default 30s.
func WithRefresh(d time.Duration) ConnectOption {
	return func(c *connectConfig) { c.refresh = d }
}

// WithMaxStale sets LIFT_DISCOVERY_MAX_STALE, how long cached instances are
// served while Cloud Map is unreachable. At least the refresh interval.
// Default 15m.
func WithMaxStale(d time.Duration) ConnectOption {
	return func(c *connectConfig) { c.maxStale = d }
}

// resolveTuning merges this call's options with what the consumer already
// has, returning the values to write; conflicts go to c.
func resolveTuning(c *propcheck.Collector, st *functionState, cfg connectConfig) (refresh, maxStale time.Duration) {
	pick := func(prop string, requested, current, def time.Duration) time.Duration {
		switch {
		case requested < 0 || (requested > 0 && requested < time.Second):
			c.Add("Connect "+prop, propcheck.Literal(requested.String()), "use a duration of at least 1s (default %v)", def)
			return def
		case requested == 0 && current != 0:
			return current
		case requested == 0:
			return def
		case current != 0 && current != requested:
			c.Add("Connect "+prop, propcheck.Literal(requested.String()), "it conflicts with %v from an earlier Connect of this consumer; a consumer has one value, pass the same option to every Connect", current)
		}
		return requested
	}
	refresh = pick("WithRefresh", cfg.refresh, st.refresh, contract.DefaultDiscoveryRefresh)
	maxStale = pick("WithMaxStale", cfg.maxStale, st.maxStale, contract.DefaultDiscoveryMaxStale)
	if maxStale < refresh {
		c.Add("Connect WithMaxStale", propcheck.Literal(maxStale.String()), "it is shorter than the refresh interval %v; serve stale instances for at least one refresh", refresh)
	}
	return refresh, maxStale
}
