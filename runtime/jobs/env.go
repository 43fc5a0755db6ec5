package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/idempotency"
)

// ConfigFromEnv builds a Config from the environment service.Props.Jobs
// writes on the service's function and its worker: the SQS client (default
// AWS configuration) and LIFT_JOBS_QUEUE_URL; Status, the service's shared
// cache tier itself (no memory copy, consistent reads) in the LIFT_SERVICE
// namespace, apart from the service's cache keys; Idempotency (idempotency.FromEnv); MaxAttempts
// (LIFT_JOBS_MAX_ATTEMPTS); and, when LIFT_JOBS_TOPIC_ARN is set, Notify
// publishing each finished job to that SNS topic. backends are the stores'
// (dynamostore.Backend(), valkeystore.Backend()): pass the one the service's
// tier uses, so the binary links only its client. StatusURL is left for the
// caller. Call it once, at init: it builds clients. Errors wrap
// ErrInvalidConfig and name every missing or bad variable.
func ConfigFromEnv(ctx context.Context, backends ...idempotency.Backend) (Config, error) {
	cfg, err := configFromEnv(os.LookupEnv)
	if err != nil {
		return Config{}, err
	}
	if cfg.Idempotency, err = idempotency.FromEnv(ctx, backends...); err != nil {
		return Config{}, configError(err, idempotency.ErrInvalidConfig)
	}
	if cfg.Status, err = statusFromEnv(ctx, backends); err != nil {
		return Config{}, err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Config{}, fmt.Errorf("jobs: load AWS configuration: %w", err)
	}
	cfg.Queue = sqs.NewFromConfig(awsCfg)
	if topic, _ := os.LookupEnv(contract.EnvJobsTopicARN); topic != "" {
		cfg.Notify = SNSNotifier(sns.NewFromConfig(awsCfg), topic)
	}
	return cfg, nil
}

// configFromEnv reads the jobs variables (QueueURL, MaxAttempts) and checks
// LIFT_JOBS_TOPIC_ARN's shape; the error names every bad one.
func configFromEnv(env cache.LookupEnv) (Config, error) {
	cfg := Config{MaxAttempts: contract.DefaultJobsMaxAttempts}
	var errs []error
	if cfg.QueueURL, _ = env(contract.EnvJobsQueueURL); cfg.QueueURL == "" {
		errs = append(errs, fmt.Errorf("%w: %s is not set: it is the URL of the service's job queue (service.Props.Jobs sets it)",
			ErrInvalidConfig, contract.EnvJobsQueueURL))
	}
	if s, _ := env(contract.EnvJobsMaxAttempts); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("%w: %s=%q: want a whole number of attempts, at least 1 (the queue's maxReceiveCount; default %d)",
				ErrInvalidConfig, contract.EnvJobsMaxAttempts, s, contract.DefaultJobsMaxAttempts))
		} else {
			cfg.MaxAttempts = n
		}
	}
	if topic, _ := env(contract.EnvJobsTopicARN); topic != "" && !strings.HasPrefix(topic, "arn:") {
		errs = append(errs, fmt.Errorf("%w: %s=%q: want an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or leave it unset for no notices",
			ErrInvalidConfig, contract.EnvJobsTopicARN, topic))
	}
	return cfg, errors.Join(errs...)
}

// statusFromEnv builds the shared tier job records live on, through the
// backend of the configured kind (idempotency.FromEnv has already checked
// the cache variables and that the backend is there).
func statusFromEnv(ctx context.Context, backends []idempotency.Backend) (cache.Cache, error) {
	cc, err := cache.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, configError(err, cache.ErrInvalidConfig)
	}
	for _, b := range backends {
		if b.Kind != cc.Kind || b.Tier == nil {
			continue
		}
		tier, err := b.Tier(ctx, os.LookupEnv)
		if err != nil {
			return nil, configError(fmt.Errorf("jobs: %s tier for job records: %w", cc.Kind, err), cache.ErrInvalidConfig)
		}
		return Namespace(tier, cc.Service), nil
	}
	return nil, fmt.Errorf("%w: %s=%s: its backend cannot keep job records: pass dynamostore.Backend() or valkeystore.Backend() to jobs.ConfigFromEnv",
		ErrInvalidConfig, contract.EnvCacheKind, cc.Kind)
}

// configError wraps err in ErrInvalidConfig when it is a configuration error
// of the package that returned it (cause), and returns it as is otherwise
// (an unreachable server is not a configuration mistake).
func configError(err, cause error) error {
	if errors.Is(err, cause) {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return err
}
