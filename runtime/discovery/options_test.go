package discovery

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestOptionForTheOtherTypeIsRefused(t *testing.T) {
	cm := newFakeCloudMap()
	for _, o := range []Option{WithStrategy(LeastOutstanding), WithTargets("orders"), WithRetryPolicy(RetryPolicy{}), WithBreakerPolicy(BreakerPolicy{}), WithLambdaClient(nil), WithHTTPClient(nil), WithSigV4(nil, "")} {
		_, err := NewResolver(cm, "ns", o)
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "discovery."+o.name+" configures a Client, not a Resolver: pass it to NewClient") {
			t.Errorf("NewResolver(%s) = %v, want ErrInvalidConfig naming the option and NewClient", o.name, err)
		}
	}
	r := mustResolver(t, cm)
	for _, o := range []Option{WithClock(newFakeClock()), WithRefreshInterval(time.Minute), WithMaxStale(time.Hour), WithHealthRefresh(0), WithJitter(0), WithRefreshTimeout(time.Second)} {
		_, err := NewClient(r, o)
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "discovery."+o.name+" configures a Resolver, not a Client: pass it to NewResolver") {
			t.Errorf("NewClient(%s) = %v, want ErrInvalidConfig naming the option and NewResolver", o.name, err)
		}
	}
	for _, o := range []Option{WithMetrics(newMetricSink().w), WithServiceName("caller"), WithRandSeed(1)} {
		if _, err := NewResolver(cm, "ns", o); err != nil {
			t.Errorf("NewResolver(%s): %v", o.name, err)
		}
		if _, err := NewClient(r, o); err != nil {
			t.Errorf("NewClient(%s): %v", o.name, err)
		}
	}
	if _, err := NewClient(r, Option{}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("NewClient(Option{}) = %v, want ErrInvalidConfig", err)
	}
}

func TestPoliciesFillZeroFieldsWithDefaults(t *testing.T) {
	r := mustResolver(t, newFakeCloudMap())
	c, err := NewClient(r, WithRetryPolicy(RetryPolicy{MaxAttempts: 5}), WithBreakerPolicy(BreakerPolicy{ConsecutiveFailures: 2}))
	if err != nil {
		t.Fatal(err)
	}
	wantRetry := DefaultRetryPolicy()
	wantRetry.MaxAttempts = 5
	if c.cfg.retry != wantRetry {
		t.Errorf("retry = %+v, want %+v", c.cfg.retry, wantRetry)
	}
	wantBreaker := DefaultBreakerPolicy()
	wantBreaker.ConsecutiveFailures = 2
	if c.cfg.breaker != wantBreaker {
		t.Errorf("breaker = %+v, want %+v", c.cfg.breaker, wantBreaker)
	}
	// A BaseDelay above the default MaxDelay raises the cap rather than failing.
	c, err = NewClient(r, WithRetryPolicy(RetryPolicy{BaseDelay: 2 * time.Second}))
	if err != nil || c.cfg.retry.MaxDelay != 2*time.Second {
		t.Errorf("RetryPolicy{BaseDelay: 2s}: err %v, MaxDelay %v; want MaxDelay 2s", err, c.cfg.retry.MaxDelay)
	}
	for name, o := range map[string]Option{
		"negative attempts":     WithRetryPolicy(RetryPolicy{MaxAttempts: -1}),
		"negative delay":        WithRetryPolicy(RetryPolicy{BaseDelay: -time.Second}),
		"max below base":        WithRetryPolicy(RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Millisecond}),
		"negative open timeout": WithBreakerPolicy(BreakerPolicy{OpenTimeout: -time.Second}),
		"negative interval":     WithBreakerPolicy(BreakerPolicy{Interval: -time.Second}),
	} {
		if _, err := NewClient(r, o); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
		}
	}
}
