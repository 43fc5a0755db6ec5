package valkeycache

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/valkey-io/valkey-go"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// Config is the Valkey tier's part of the environment Lift's constructs set;
// each field names the variable it is read from.
type Config struct {
	Endpoint          string // LIFT_CACHE_ENDPOINT, host:port
	Cluster           bool   // LIFT_CACHE_CLUSTER
	TLS               bool   // LIFT_CACHE_TLS, default true
	Auth              string // LIFT_CACHE_AUTH: "iam", "password" or "none" (the default)
	User              string // LIFT_CACHE_USER, the ElastiCache user id (iam)
	CacheName         string // LIFT_CACHE_NAME, the cache the IAM token is signed for (iam)
	Serverless        bool   // LIFT_CACHE_SERVERLESS
	PasswordSecretARN string // LIFT_CACHE_PASSWORD_SECRET_ARN (password)
}

// ConfigFromEnv reads and validates the tier's variables; the error names
// every missing or bad one and the fix.
func ConfigFromEnv(env cache.LookupEnv) (Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	get := func(k string) string { v, _ := env(k); return v }
	cfg := Config{Endpoint: get(contract.EnvCacheEndpoint), Auth: get(contract.EnvCacheAuth), User: get(contract.EnvCacheUser),
		CacheName: get(contract.EnvCacheName), PasswordSecretARN: get(contract.EnvCachePasswordSecretARN), TLS: true}
	var errs []error
	boolVar := func(name string, dst *bool) {
		if s := get(name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%w: %s=%q: want true or false", cache.ErrInvalidConfig, name, s))
				return
			}
			*dst = b
		}
	}
	boolVar(contract.EnvCacheCluster, &cfg.Cluster)
	boolVar(contract.EnvCacheTLS, &cfg.TLS)
	boolVar(contract.EnvCacheServerless, &cfg.Serverless)
	if cfg.Endpoint == "" {
		errs = append(errs, fmt.Errorf("%w: %s is not set: %s=%s needs the cache endpoint as host:port (cachetier's Bind sets it)",
			cache.ErrInvalidConfig, contract.EnvCacheEndpoint, contract.EnvCacheKind, contract.CacheKindValkey))
	} else if _, port, err := net.SplitHostPort(cfg.Endpoint); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("%w: %s=%q: want host:port, e.g. my-cache-abc123.serverless.use1.cache.amazonaws.com:6379",
			cache.ErrInvalidConfig, contract.EnvCacheEndpoint, cfg.Endpoint))
	}
	if cfg.Auth == "" {
		cfg.Auth = contract.CacheAuthNone
	}
	switch cfg.Auth {
	case contract.CacheAuthNone:
	case contract.CacheAuthIAM:
		if cfg.User == "" {
			errs = append(errs, fmt.Errorf("%w: %s=iam needs %s, the ElastiCache user id", cache.ErrInvalidConfig, contract.EnvCacheAuth, contract.EnvCacheUser))
		}
		if cfg.CacheName == "" {
			errs = append(errs, fmt.Errorf("%w: %s=iam needs %s, the cache or replication group the token is signed for",
				cache.ErrInvalidConfig, contract.EnvCacheAuth, contract.EnvCacheName))
		}
		if !cfg.TLS {
			errs = append(errs, fmt.Errorf("%w: %s=iam needs TLS: unset %s or set it to true", cache.ErrInvalidConfig, contract.EnvCacheAuth, contract.EnvCacheTLS))
		}
	case contract.CacheAuthPassword:
		if cfg.PasswordSecretARN == "" {
			errs = append(errs, fmt.Errorf("%w: %s=password needs %s (the password itself never goes in the environment)",
				cache.ErrInvalidConfig, contract.EnvCacheAuth, contract.EnvCachePasswordSecretARN))
		}
	default:
		errs = append(errs, fmt.Errorf("%w: %s=%q: want %q, %q or %q", cache.ErrInvalidConfig, contract.EnvCacheAuth, cfg.Auth,
			contract.CacheAuthIAM, contract.CacheAuthPassword, contract.CacheAuthNone))
	}
	return cfg, errors.Join(errs...)
}

// Backend lets cache.FromEnv build this tier from the environment.
func Backend(opts ...Option) cache.Backend {
	return cache.Backend{Kind: contract.CacheKindValkey, New: func(ctx context.Context, env cache.LookupEnv, _ ...cache.Option) (cache.Cache, error) {
		cfg, err := ConfigFromEnv(env)
		if err != nil {
			return nil, err
		}
		return New(ctx, cfg, opts...)
	}}
}

// New connects to the server cfg describes. With CSCAuto it first probes for
// client-side caching on one extra short-lived connection.
func New(ctx context.Context, cfg Config, opts ...Option) (*Cache, error) {
	o := buildOptions(opts)
	host, _, err := net.SplitHostPort(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("%w: endpoint %q: want host:port (%s)", cache.ErrInvalidConfig, cfg.Endpoint, contract.EnvCacheEndpoint)
	}
	copt := valkey.ClientOption{
		InitAddress:       []string{cfg.Endpoint},
		ForceSingleClient: !cfg.Cluster,
		Dialer:            net.Dialer{Timeout: o.dialTimout},
	}
	if cfg.TLS {
		copt.TLSConfig = o.tlsConfig
		if copt.TLSConfig == nil {
			copt.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
		}
	}
	if err := configureAuth(ctx, &o, cfg, &copt); err != nil {
		return nil, err
	}
	csc := false
	if o.csc == CSCAuto {
		csc = probeTracking(ctx, copt)
	}
	copt.DisableCache = !csc
	client, err := valkey.NewClient(copt)
	if err != nil {
		return nil, fmt.Errorf("valkeycache: connect to %s (%s): %w", cfg.Endpoint, contract.EnvCacheEndpoint, err)
	}
	return &Cache{client: client, clientSideCache: csc, localTTL: o.localTTL, maxValue: o.maxValue, now: time.Now,
		standalone: !cfg.Cluster}, nil
}

func configureAuth(ctx context.Context, o *options, cfg Config, copt *valkey.ClientOption) error {
	switch cfg.Auth {
	case contract.CacheAuthIAM:
		awsCfg, err := awsConfig(ctx, o)
		if err != nil {
			return err
		}
		if awsCfg.Region == "" {
			return fmt.Errorf("%w: IAM auth needs an AWS region to sign tokens (AWS_REGION is set in Lambda)", cache.ErrInvalidConfig)
		}
		s := &iamSigner{creds: awsCfg.Credentials, region: awsCfg.Region, user: cfg.User, cacheName: cfg.CacheName,
			serverless: cfg.Serverless, signer: v4.NewSigner(), now: time.Now}
		copt.AuthCredentialsFn = s.credentialsFn()
	case contract.CacheAuthPassword:
		api := o.secrets
		if api == nil {
			awsCfg, err := awsConfig(ctx, o)
			if err != nil {
				return err
			}
			api = secretsmanager.NewFromConfig(awsCfg)
		}
		pw, err := fetchPassword(ctx, api, cfg.PasswordSecretARN)
		if err != nil {
			return err
		}
		copt.Username, copt.Password = cfg.User, pw
	}
	return nil
}

func awsConfig(ctx context.Context, o *options) (aws.Config, error) {
	if o.awsConfig != nil {
		return *o.awsConfig, nil
	}
	c, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("valkeycache: load AWS configuration: %w", err)
	}
	return c, nil
}

// probeTracking asks the server for CLIENT TRACKING on a throwaway client.
// Servers that reject it (ElastiCache 7.1, Serverless, or an ACL without
// +client|tracking) make valkey-go's cache-enabled handshake fail, so the
// real client is then built with DisableCache. Any failure means "no".
func probeTracking(ctx context.Context, copt valkey.ClientOption) bool {
	copt.DisableCache = true
	copt.ForceSingleClient = true // one connection to the endpoint is enough to ask
	probe, err := valkey.NewClient(copt)
	if err != nil {
		return false
	}
	defer probe.Close() // closing drops the connection and its tracking state
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	cmd := probe.B().Arbitrary("CLIENT", "TRACKING", "ON", "OPTIN").Build()
	return probe.Do(pctx, cmd).Error() == nil
}
