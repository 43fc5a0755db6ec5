package cloudmap

import (
	"time"

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
// target per interval per environment). Default contract.DefaultDiscoveryRefresh.
func WithRefresh(d time.Duration) ConnectOption {
	return func(c *connectConfig) { c.refresh = d }
}

// WithMaxStale sets LIFT_DISCOVERY_MAX_STALE, how long cached instances are
// served while Cloud Map is unreachable. At least the refresh interval.
// Default contract.DefaultDiscoveryMaxStale.
func WithMaxStale(d time.Duration) ConnectOption {
	return func(c *connectConfig) { c.maxStale = d }
}

// resolveTuning merges this call's options with what the consumer already
// has, returning the values to write or the conflict.
func resolveTuning(consumer string, st *functionState, c connectConfig) (refresh, maxStale time.Duration, err error) {
	pick := func(prop string, requested, current, def time.Duration) (time.Duration, error) {
		switch {
		case requested < 0 || (requested > 0 && requested < time.Second):
			return 0, invalid("Connect %s %v for consumer %s is below one second; use a duration of at least 1s (default %v)", prop, requested, consumer, def)
		case requested == 0 && current != 0:
			return current, nil
		case requested == 0:
			return def, nil
		case current != 0 && current != requested:
			return 0, invalid("Connect %s %v for consumer %s conflicts with %v from an earlier Connect; a consumer has one value, pass the same option to every Connect", prop, requested, consumer, current)
		}
		return requested, nil
	}
	if refresh, err = pick("WithRefresh", c.refresh, st.refresh, contract.DefaultDiscoveryRefresh); err != nil {
		return 0, 0, err
	}
	if maxStale, err = pick("WithMaxStale", c.maxStale, st.maxStale, contract.DefaultDiscoveryMaxStale); err != nil {
		return 0, 0, err
	}
	if maxStale < refresh {
		return 0, 0, invalid("Connect WithMaxStale %v for consumer %s is shorter than its refresh interval %v; serve stale instances for at least one refresh", maxStale, consumer, refresh)
	}
	return refresh, maxStale, nil
}
