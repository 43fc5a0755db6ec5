package discovery

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/contract"
)

// EnvConfig is the discovery configuration the constructs write into a
// function's environment.
type EnvConfig struct {
	Namespace string        // LIFT_DISCOVERY_NAMESPACE, required
	Targets   []string      // LIFT_DISCOVERY_TARGETS, may be empty
	Refresh   time.Duration // LIFT_DISCOVERY_REFRESH, default 30s
	MaxStale  time.Duration // LIFT_DISCOVERY_MAX_STALE, default 15m
}

// ConfigFromEnv reads and validates the LIFT_DISCOVERY_* variables. The error
// names the variable, its value and the fix.
func ConfigFromEnv() (EnvConfig, error) {
	return configFromLookup(os.LookupEnv)
}

func configFromLookup(lookup func(string) (string, bool)) (EnvConfig, error) {
	ec := EnvConfig{Refresh: contract.DefaultDiscoveryRefresh, MaxStale: contract.DefaultDiscoveryMaxStale}
	ns, _ := lookup(contract.EnvDiscoveryNamespace)
	ec.Namespace = strings.TrimSpace(ns)
	if ec.Namespace == "" {
		return ec, fmt.Errorf("%w: %s is not set: connect this function to a Cloud Map namespace with constructs/cloudmap, or set it to the HTTP namespace name",
			ErrInvalidConfig, contract.EnvDiscoveryNamespace)
	}
	if v, ok := lookup(contract.EnvDiscoveryTargets); ok {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if len(name) > 127 || strings.ContainsAny(name, " \t\n/") {
				return ec, fmt.Errorf("%w: %s=%q: %q is not a Cloud Map service name (comma-separated names, up to 127 characters, no spaces or slashes)",
					ErrInvalidConfig, contract.EnvDiscoveryTargets, v, name)
			}
			ec.Targets = append(ec.Targets, name)
		}
	}
	var err error
	if ec.Refresh, err = durationEnv(lookup, contract.EnvDiscoveryRefresh, ec.Refresh); err != nil {
		return ec, err
	}
	if ec.MaxStale, err = durationEnv(lookup, contract.EnvDiscoveryMaxStale, ec.MaxStale); err != nil {
		return ec, err
	}
	if ec.MaxStale < ec.Refresh {
		return ec, fmt.Errorf("%w: %s=%v is shorter than %s=%v: the max-stale bound must be at least one refresh interval",
			ErrInvalidConfig, contract.EnvDiscoveryMaxStale, ec.MaxStale, contract.EnvDiscoveryRefresh, ec.Refresh)
	}
	return ec, nil
}

func durationEnv(lookup func(string) (string, bool), name string, def time.Duration) (time.Duration, error) {
	v, ok := lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%w: %s=%q must be a positive Go duration such as %q", ErrInvalidConfig, name, v, def.String())
	}
	return d, nil
}

// ResolverOptions returns the options that apply this configuration to a Resolver.
func (ec EnvConfig) ResolverOptions() []Option {
	return []Option{WithRefreshInterval(ec.Refresh), WithMaxStale(ec.MaxStale)}
}

// ClientOptions returns the options that apply this configuration to a Client.
func (ec EnvConfig) ClientOptions() []Option {
	return []Option{WithTargets(ec.Targets...)}
}

// FromEnv builds a Resolver and a Client from the LIFT_DISCOVERY_* variables
// and cfg: the Cloud Map client (with the host prefix disabled for a custom
// endpoint) and a Lambda client whose SDK retries are off, so this package's
// deadline-aware, idempotent-only policy decides. Calls to Lambda function
// URLs are SigV4-signed with cfg's credentials. When LIFT_DISCOVERY_TARGETS
// lists services, the client calls only those (WithTargets). Call it once at
// init; opts override the environment.
func FromEnv(ctx context.Context, cfg aws.Config, opts ...Option) (*Client, error) {
	ec, err := ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	lc := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.RetryMaxAttempts = 1 })
	clientOpts := append(ec.ClientOptions(), WithLambdaClient(lc))
	if cfg.Credentials != nil {
		clientOpts = append(clientOpts, WithSigV4(cfg.Credentials, cfg.Region))
	}
	res, err := NewResolver(NewCloudMapClient(cfg), ec.Namespace, append(ec.ResolverOptions(), optionsFor(forResolver, opts)...)...)
	if err != nil {
		return nil, err
	}
	return NewClient(res, append(clientOpts, optionsFor(forClient, opts)...)...)
}
