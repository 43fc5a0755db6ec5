// Package cloudmaphealth reports a Lift function's health to AWS Cloud Map
// with UpdateInstanceCustomHealthStatus, so discovery clients
// (runtime/discovery, HEALTHY_OR_ELSE_ALL) stop routing to a failing service.
//
// A Reporter implements lift.HealthReporter: pass it to lift.WithHealthReporter
// and the runtime calls it after health events and warm-up.
//
// Status mapping: pass → HEALTHY, fail → UNHEALTHY, and warn → HEALTHY by
// default. A warn check means degraded but serving (a slow dependency, a cache
// miss storm); taking the instance out of discovery for it would turn a soft
// signal into an outage, and HEALTHY_OR_ELSE_ALL would route to it anyway when
// every instance warns. WithWarnStatus(types.CustomHealthStatusUnhealthy)
// changes that.
//
// One Cloud Map instance stands for the whole function (every execution
// environment), so reports are last-writer-wins across environments. The
// Reporter calls Cloud Map only when the status differs from what this process
// last sent, at most once per min interval (reporting is rate-limited, not
// queued: a change withheld by the limit is sent by the first report after it),
// and re-asserts an unchanged status every reassert interval so the instance
// converges on what the environments currently report.
package cloudmaphealth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
)

// Sentinel errors.
var (
	// ErrUnknownStatus means ReportHealth got a status other than pass, warn or fail.
	ErrUnknownStatus = errors.New("cloudmaphealth: unknown health status")
	// ErrInvalidConfig means the reporter's configuration or environment is invalid.
	ErrInvalidConfig = errors.New("cloudmaphealth: invalid configuration")
)

// Defaults.
const (
	DefaultMinInterval = 10 * time.Second
	DefaultReassert    = 5 * time.Minute
	DefaultTimeout     = 2 * time.Second
)

// API is the part of *servicediscovery.Client the Reporter uses.
type API interface {
	UpdateInstanceCustomHealthStatus(ctx context.Context, in *servicediscovery.UpdateInstanceCustomHealthStatusInput, optFns ...func(*servicediscovery.Options)) (*servicediscovery.UpdateInstanceCustomHealthStatusOutput, error)
}

// Clock tells the time; tests inject a fake one.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Reporter sends this function's health to its Cloud Map instance. Safe for
// concurrent use; build one per process.
type Reporter struct {
	api                   API
	serviceID, instanceID string
	minInterval, reassert time.Duration
	timeout               time.Duration
	warnAs                types.CustomHealthStatus
	clock                 Clock

	mu        sync.Mutex
	sent      types.CustomHealthStatus // last status Cloud Map accepted from this process
	sentAt    time.Time
	attemptAt time.Time // last call, successful or not (the rate limit)
}

// Option configures a Reporter.
type Option func(*Reporter)

// WithMinInterval sets the least time between two Cloud Map calls. Default 10s.
func WithMinInterval(d time.Duration) Option { return func(r *Reporter) { r.minInterval = d } }

// WithReassert sets how often an unchanged status is sent again; 0 never.
// Default 5m.
func WithReassert(d time.Duration) Option { return func(r *Reporter) { r.reassert = d } }

// WithTimeout bounds one Cloud Map call. Default 2s.
func WithTimeout(d time.Duration) Option { return func(r *Reporter) { r.timeout = d } }

// WithWarnStatus sets what a warn report becomes. Default HEALTHY.
func WithWarnStatus(s types.CustomHealthStatus) Option { return func(r *Reporter) { r.warnAs = s } }

// WithClock replaces the wall clock (tests).
func WithClock(c Clock) Option { return func(r *Reporter) { r.clock = c } }

// New returns a Reporter for one Cloud Map instance.
func New(api API, serviceID, instanceID string, opts ...Option) (*Reporter, error) {
	r := &Reporter{api: api, serviceID: serviceID, instanceID: instanceID, minInterval: DefaultMinInterval,
		reassert: DefaultReassert, timeout: DefaultTimeout, warnAs: types.CustomHealthStatusHealthy, clock: systemClock{}}
	for _, o := range opts {
		o(r)
	}
	switch {
	case api == nil:
		return nil, fmt.Errorf("%w: nil Cloud Map client", ErrInvalidConfig)
	case serviceID == "":
		return nil, fmt.Errorf("%w: empty Cloud Map service id", ErrInvalidConfig)
	case instanceID == "":
		return nil, fmt.Errorf("%w: empty Cloud Map instance id", ErrInvalidConfig)
	case r.minInterval < 0 || r.reassert < 0 || r.timeout <= 0:
		return nil, fmt.Errorf("%w: min interval %v and reassert %v must not be negative, timeout %v must be positive", ErrInvalidConfig, r.minInterval, r.reassert, r.timeout)
	case r.reassert != 0 && r.reassert < r.minInterval:
		return nil, fmt.Errorf("%w: reassert %v is shorter than the min interval %v", ErrInvalidConfig, r.reassert, r.minInterval)
	case r.warnAs != types.CustomHealthStatusHealthy && r.warnAs != types.CustomHealthStatusUnhealthy:
		return nil, fmt.Errorf("%w: warn status %q must be HEALTHY or UNHEALTHY", ErrInvalidConfig, r.warnAs)
	}
	return r, nil
}

// FromEnv builds a Reporter from LIFT_DISCOVERY_SERVICE_ID and
// LIFT_DISCOVERY_INSTANCE_ID (set by constructs/cloudmap) and cfg. A custom
// endpoint (AWS_ENDPOINT_URL) is honoured; UpdateInstanceCustomHealthStatus
// has no host prefix.
func FromEnv(ctx context.Context, cfg aws.Config, opts ...Option) (*Reporter, error) {
	svc, inst := strings.TrimSpace(os.Getenv(contract.EnvDiscoveryServiceID)), strings.TrimSpace(os.Getenv(contract.EnvDiscoveryInstanceID))
	for name, v := range map[string]string{contract.EnvDiscoveryServiceID: svc, contract.EnvDiscoveryInstanceID: inst} {
		if v == "" {
			return nil, fmt.Errorf("%w: %s is not set: register this function in Cloud Map with constructs/cloudmap, or set it to the Cloud Map %s",
				ErrInvalidConfig, name, map[string]string{contract.EnvDiscoveryServiceID: "service id (srv-...)", contract.EnvDiscoveryInstanceID: "instance id"}[name])
		}
	}
	return New(servicediscovery.NewFromConfig(cfg), svc, inst, opts...)
}

// Status maps a contract status to the Cloud Map custom health status.
func (r *Reporter) Status(status string) (types.CustomHealthStatus, error) {
	switch status {
	case contract.StatusPass:
		return types.CustomHealthStatusHealthy, nil
	case contract.StatusFail:
		return types.CustomHealthStatusUnhealthy, nil
	case contract.StatusWarn:
		return r.warnAs, nil
	}
	return "", fmt.Errorf("%w %q: want %q, %q or %q", ErrUnknownStatus, status, contract.StatusPass, contract.StatusWarn, contract.StatusFail)
}

// ReportHealth implements lift.HealthReporter. It calls Cloud Map only when
// the status changed (or the reassert interval passed), and never more often
// than the min interval; otherwise it returns nil without a call.
func (r *Reporter) ReportHealth(ctx context.Context, status string) error {
	want, err := r.Status(status)
	if err != nil {
		return err
	}
	now := r.clock.Now()
	r.mu.Lock()
	changed := want != r.sent
	due := changed || (r.reassert > 0 && now.Sub(r.sentAt) >= r.reassert)
	limited := !r.attemptAt.IsZero() && now.Sub(r.attemptAt) < r.minInterval
	if !due || limited {
		r.mu.Unlock()
		return nil
	}
	r.attemptAt = now // concurrent reports see the limit while this call runs
	r.mu.Unlock()

	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, err = r.api.UpdateInstanceCustomHealthStatus(cctx, &servicediscovery.UpdateInstanceCustomHealthStatusInput{
		ServiceId: aws.String(r.serviceID), InstanceId: aws.String(r.instanceID), Status: want,
	})
	if err != nil {
		return fmt.Errorf("cloudmaphealth: report %s (%s) for instance %s of service %s: %w", want, status, r.instanceID, r.serviceID, err)
	}
	r.mu.Lock()
	r.sent, r.sentAt = want, now
	r.mu.Unlock()
	return nil
}
