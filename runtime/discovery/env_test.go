package discovery

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/liftcdk/lift/internal/contract"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    EnvConfig
		wantErr []string // substrings of the error: the variable, the value, the fix
	}{
		{"defaults", map[string]string{contract.EnvDiscoveryNamespace: "shop"},
			EnvConfig{Namespace: "shop", Refresh: contract.DefaultDiscoveryRefresh, MaxStale: contract.DefaultDiscoveryMaxStale}, nil},
		{"all set", map[string]string{contract.EnvDiscoveryNamespace: "shop", contract.EnvDiscoveryTargets: "orders, payments,,",
			contract.EnvDiscoveryRefresh: "10s", contract.EnvDiscoveryMaxStale: "1m"},
			EnvConfig{Namespace: "shop", Targets: []string{"orders", "payments"}, Refresh: 10 * time.Second, MaxStale: time.Minute}, nil},
		{"missing namespace", map[string]string{}, EnvConfig{}, []string{contract.EnvDiscoveryNamespace, "constructs/cloudmap"}},
		{"bad refresh", map[string]string{contract.EnvDiscoveryNamespace: "shop", contract.EnvDiscoveryRefresh: "30"},
			EnvConfig{}, []string{contract.EnvDiscoveryRefresh, `"30"`, "Go duration"}},
		{"negative max stale", map[string]string{contract.EnvDiscoveryNamespace: "shop", contract.EnvDiscoveryMaxStale: "-1m"},
			EnvConfig{}, []string{contract.EnvDiscoveryMaxStale, `"-1m"`}},
		{"max stale below refresh", map[string]string{contract.EnvDiscoveryNamespace: "shop", contract.EnvDiscoveryRefresh: "1m", contract.EnvDiscoveryMaxStale: "10s"},
			EnvConfig{}, []string{contract.EnvDiscoveryMaxStale, contract.EnvDiscoveryRefresh, "at least"}},
		{"bad target", map[string]string{contract.EnvDiscoveryNamespace: "shop", contract.EnvDiscoveryTargets: "orders,a b"},
			EnvConfig{}, []string{contract.EnvDiscoveryTargets, `"a b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := configFromLookup(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != nil {
				if !errors.Is(err, ErrInvalidConfig) {
					t.Fatalf("err = %v, want ErrInvalidConfig", err)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Namespace != tt.want.Namespace || got.Refresh != tt.want.Refresh || got.MaxStale != tt.want.MaxStale ||
				strings.Join(got.Targets, ",") != strings.Join(tt.want.Targets, ",") {
				t.Fatalf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(contract.EnvDiscoveryNamespace, "")
	if _, err := FromEnv(context.Background(), aws.Config{Region: "us-east-1"}); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("FromEnv without a namespace: %v", err)
	}
	t.Setenv(contract.EnvDiscoveryNamespace, "shop")
	t.Setenv(contract.EnvDiscoveryTargets, "orders")
	c, err := FromEnv(context.Background(), aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:1")},
		WithMetrics(newMetricSink().w))
	if err != nil {
		t.Fatal(err)
	}
	if c.Resolver().Namespace() != "shop" || c.cfg.lambda == nil {
		t.Fatalf("client not wired: namespace %q, lambda %v", c.Resolver().Namespace(), c.cfg.lambda)
	}
	// Cloud Map at 127.0.0.1:1 refuses connections: a refusal with
	// ErrUnknownService proves the targets stopped the call before it.
	if _, err := c.Pick(context.Background(), "payments"); !errors.Is(err, ErrUnknownService) {
		t.Fatalf("Pick of a service missing from %s: %v, want ErrUnknownService", contract.EnvDiscoveryTargets, err)
	}
	if _, ok := (*c.services.Load())["orders"]; !ok {
		t.Fatal("the target's state was not created at init")
	}
}

func TestLongRefreshFromEnvIsValid(t *testing.T) {
	ec, err := configFromLookup(func(k string) (string, bool) {
		v, ok := map[string]string{contract.EnvDiscoveryNamespace: "shop", contract.EnvDiscoveryRefresh: "5m", contract.EnvDiscoveryMaxStale: "1h"}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewResolver(newFakeCloudMap(), ec.Namespace, ec.ResolverOptions()...)
	if err != nil {
		t.Fatalf("a 5m refresh from the environment is rejected: %v", err)
	}
	if r.cfg.healthRefresh != 20*time.Minute {
		t.Fatalf("health refresh = %v, want four refresh intervals", r.cfg.healthRefresh)
	}
}

func TestOptionValidation(t *testing.T) {
	cm := newFakeCloudMap()
	bad := map[string][]Option{
		"zero refresh":        {WithRefreshInterval(0)},
		"max stale < refresh": {WithRefreshInterval(time.Minute), WithMaxStale(time.Second)},
		"health < refresh":    {WithHealthRefresh(time.Second)},
		"jitter > 1":          {WithJitter(2)},
	}
	for name, opts := range bad {
		if _, err := NewResolver(cm, "ns", opts...); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := NewResolver(nil, "ns"); !errors.Is(err, ErrInvalidConfig) {
		t.Error("nil client accepted")
	}
	if _, err := NewResolver(cm, ""); !errors.Is(err, ErrInvalidConfig) {
		t.Error("empty namespace accepted")
	}
	if _, err := NewClient(nil); !errors.Is(err, ErrInvalidConfig) {
		t.Error("nil resolver accepted")
	}
}
