package dynamocache

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// Config is the DynamoDB tier's part of the environment Lift's constructs set;
// each field names the variable it is read from.
type Config struct {
	Table        string // LIFT_CACHE_TABLE
	KeyAttribute string // LIFT_CACHE_KEY_ATTRIBUTE, default "pk"
	TTLAttribute string // LIFT_CACHE_TTL_ATTRIBUTE, default "expiresAt"
}

// ConfigFromEnv reads the tier's variables; the error names each missing one.
func ConfigFromEnv(env cache.LookupEnv) (Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	cfg := Config{KeyAttribute: contract.DefaultCacheKeyAttribute, TTLAttribute: contract.DefaultCacheTTLAttribute}
	var errs []error
	if cfg.Table, _ = env(contract.EnvCacheTable); cfg.Table == "" {
		errs = append(errs, fmt.Errorf("%w: %s is not set: %s=%s needs the table name (cachetier's Bind sets it)",
			cache.ErrInvalidConfig, contract.EnvCacheTable, contract.EnvCacheKind, contract.CacheKindDynamoDB))
	}
	if v, _ := env(contract.EnvCacheKeyAttribute); v != "" {
		cfg.KeyAttribute = v
	}
	if v, _ := env(contract.EnvCacheTTLAttribute); v != "" {
		cfg.TTLAttribute = v
	}
	// The rule cachetier applies at synth, so what synthesizes also starts.
	if err := contract.ValidCacheAttributes(cfg.KeyAttribute, cfg.TTLAttribute); err != nil {
		errs = append(errs, fmt.Errorf("%w: %s=%q, %s=%q: %v",
			cache.ErrInvalidConfig, contract.EnvCacheKeyAttribute, cfg.KeyAttribute, contract.EnvCacheTTLAttribute, cfg.TTLAttribute, err))
	}
	return cfg, errors.Join(errs...)
}

// Backend lets cache.FromEnv build this tier. The DynamoDB client is built
// once, from the default AWS configuration (the function's role in Lambda).
func Backend(opts ...Option) cache.Backend {
	return cache.Backend{Kind: contract.CacheKindDynamoDB, New: func(ctx context.Context, env cache.LookupEnv, _ ...cache.Option) (cache.Cache, error) {
		cfg, err := ConfigFromEnv(env)
		if err != nil {
			return nil, err
		}
		awsCfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("dynamocache: load AWS configuration: %w", err)
		}
		all := append([]Option{WithKeyAttribute(cfg.KeyAttribute), WithTTLAttribute(cfg.TTLAttribute)}, opts...)
		return New(dynamodb.NewFromConfig(awsCfg), cfg.Table, all...)
	}}
}
