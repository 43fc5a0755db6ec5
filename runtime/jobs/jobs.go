// Package jobs runs long work outside the request that asks for it: a
// handler submits a job and answers at once (202 Accepted, a job id and a
// status URL); a worker in the same service takes it from an SQS queue,
// runs it with progress updates, and keeps its status and result (or error)
// in the service's cache tier with a TTL, where GET on the status URL reads it.
//
// The work runs at most once per job: the worker wraps it in
// idempotency.Do keyed by the job id, so a redelivered message replays the
// stored result instead of running the work again. A failed attempt leaves
// the message to SQS's retry after an exponential backoff with jitter
// (Config.RetryBackoff doubling per attempt, at most Config.MaxRetryDelay),
// which the worker sets as the message's visibility; after the last attempt
// (Config.MaxAttempts, which must match the queue's maxReceiveCount) the job
// is marked failed and the message goes on to the dead-letter queue.
//
// Inputs, results and job records are JSON.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/metrics"
)

// Status is where a job is.
type Status string

// Values of Status.
const (
	StatusQueued    Status = "queued"    // submitted, or waiting for a retry
	StatusRunning   Status = "running"   // a worker is on it
	StatusSucceeded Status = "succeeded" // Result holds the output
	StatusFailed    Status = "failed"    // Error says why; no more attempts
)

// Job is a job's record, as the status URL returns it.
type Job struct {
	ID        string          `json:"id"`
	Status    Status          `json:"status"`
	StatusURL string          `json:"statusUrl,omitempty"`
	Progress  *Progress       `json:"progress,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     string          `json:"error,omitempty"`
	Attempts  int             `json:"attempts"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
}

// Progress is the last progress a running job reported.
type Progress struct {
	Percent int    `json:"percent"`
	Note    string `json:"note,omitempty"`
}

// Report records progress of the running job; the work calls it as it goes.
type Report func(ctx context.Context, percent int, note string) error

// Work is the long-running function: it gets the job's input and a Report.
type Work[In, Out any] func(ctx context.Context, in In, report Report) (Out, error)

// Errors.
var (
	// ErrNotFound reports an unknown (or expired) job id.
	ErrNotFound = errors.New("jobs: no such job")
	// ErrInvalidConfig reports a missing or bad part of Config.
	ErrInvalidConfig = errors.New("jobs: invalid configuration")
)

// Queue is the part of the SQS client jobs use; *sqs.Client implements it.
// Submit sends; the worker changes a failed job's message visibility to
// its retry backoff.
type Queue interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Defaults of Config.
const (
	DefaultTTL         = 24 * time.Hour
	DefaultMaxAttempts = 3
)

// Config wires a Runner to the service's queue and tiers.
type Config struct {
	Queue    Queue
	QueueURL string
	// Status keeps job records. Pass the shared tier itself (a
	// dynamocache.Cache or valkeycache.Cache) through Namespace, never a
	// tiered cache: a memory copy would show a stale status to the
	// environment that holds it.
	Status cache.Cache
	// Idempotency makes the work run once per job (idempotency.FromEnv).
	Idempotency idempotency.Store
	// StatusURL returns where a job's status is read, e.g.
	// func(id string) string { return "/reports/" + id }.
	StatusURL func(id string) string
	// TTL is how long a job's record is kept after its last update. Default DefaultTTL.
	TTL time.Duration
	// MaxAttempts is the queue's maxReceiveCount: on that attempt a failure
	// marks the job failed. Default DefaultMaxAttempts.
	MaxAttempts int
	// RetryBackoff is the wait before a failed job's first retry; each
	// later retry waits twice the one before, at most MaxRetryDelay. Each
	// wait is jittered (a uniform pick in its upper half) and rounded to
	// whole seconds, at least one. Default DefaultRetryBackoff.
	RetryBackoff time.Duration
	// MaxRetryDelay caps the wait between attempts, at most 12 hours (SQS's
	// longest visibility timeout). Default DefaultMaxRetryDelay.
	MaxRetryDelay time.Duration
	// Notify, when set, is called by the worker with each job that finished
	// (succeeded, or failed after its last attempt); ConfigFromEnv sets an
	// SNSNotifier when LIFT_JOBS_TOPIC_ARN is set. Notices are at least
	// once: a redelivered message of a finished job notifies again, so
	// subscribers dedupe by job id.
	Notify Notifier
	// Metrics is where the worker counts JobsSucceeded, JobsFailed and
	// JobsRetried (dimension Service). Default metrics.Default(), which
	// lift.Start flushes after every invocation.
	Metrics *metrics.Writer
}

// Runner submits jobs and runs them.
type Runner[In, Out any] struct {
	cfg     Config
	work    Work[In, Out]
	now     func() time.Time
	counted counters
}

// counters are the worker's job metrics.
type counters struct{ succeeded, failed, retried *metrics.Counter }

// New returns a Runner for work.
func New[In, Out any](cfg Config, work Work[In, Out]) (*Runner[In, Out], error) {
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = DefaultRetryBackoff
	}
	if cfg.MaxRetryDelay == 0 {
		cfg.MaxRetryDelay = DefaultMaxRetryDelay
	}
	var errs []error
	for _, missing := range []struct {
		bad  bool
		what string
	}{
		{cfg.Queue == nil, "Queue (an SQS client)"}, {cfg.QueueURL == "", "QueueURL"},
		{cfg.Status == nil, "Status (the service's cache tier)"}, {cfg.Idempotency == nil, "Idempotency (idempotency.FromEnv)"},
		{cfg.StatusURL == nil, "StatusURL"}, {work == nil, "the work function"},
		{cfg.TTL < 0, "a positive TTL"}, {cfg.MaxAttempts < 0, "a positive MaxAttempts"},
		{cfg.RetryBackoff < 0, "a positive RetryBackoff"},
		{cfg.MaxRetryDelay < 0 || cfg.MaxRetryDelay > maxVisibility, "a MaxRetryDelay of at most 12h (SQS's longest visibility timeout)"},
	} {
		if missing.bad {
			errs = append(errs, fmt.Errorf("%w: jobs.New needs %s", ErrInvalidConfig, missing.what))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	w := cfg.Metrics
	if w == nil {
		w = metrics.Default()
	}
	svc := metrics.ServiceDimension()
	counted := counters{
		succeeded: w.Counter(contract.MetricJobsSucceeded, svc),
		failed:    w.Counter(contract.MetricJobsFailed, svc),
		retried:   w.Counter(contract.MetricJobsRetried, svc),
	}
	return &Runner[In, Out]{cfg: cfg, work: work, now: time.Now, counted: counted}, nil
}

// message is the queue message of a job.
type message[In any] struct {
	JobID string `json:"jobId"`
	Input In     `json:"input"`
}

// Submit records a queued job and sends it to the queue.
func (r *Runner[In, Out]) Submit(ctx context.Context, in In) (Job, error) {
	now := r.now()
	job := Job{ID: rand.Text(), Status: StatusQueued, CreatedAt: now, UpdatedAt: now}
	job.StatusURL = r.cfg.StatusURL(job.ID)
	body, err := json.Marshal(message[In]{JobID: job.ID, Input: in})
	if err != nil {
		return Job{}, fmt.Errorf("jobs: encode input as JSON: %w", err)
	}
	if err := r.put(ctx, job); err != nil {
		return Job{}, err
	}
	msg := string(body)
	if _, err := r.cfg.Queue.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &r.cfg.QueueURL, MessageBody: &msg}); err != nil {
		_ = r.cfg.Status.Delete(context.WithoutCancel(ctx), key(job.ID)) // no queued record for a job that was never sent
		return Job{}, fmt.Errorf("jobs: send job %s to the queue: %w", job.ID, err)
	}
	return job, nil
}

// Get reads a job's record.
func (r *Runner[In, Out]) Get(ctx context.Context, id string) (Job, error) {
	if !validID(id) {
		return Job{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	b, err := r.cfg.Status.Get(ctx, key(id))
	if errors.Is(err, cache.ErrNotFound) {
		return Job{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Job{}, fmt.Errorf("jobs: read job %q: %w", id, err)
	}
	var job Job
	if err := json.Unmarshal(b, &job); err != nil {
		return Job{}, fmt.Errorf("jobs: job %q: stored record is not a job: %w", id, err)
	}
	return job, nil
}

func (r *Runner[In, Out]) put(ctx context.Context, job Job) error {
	b, err := json.Marshal(job)
	if err != nil {
		return fmt.Errorf("jobs: encode job %s: %w", job.ID, err)
	}
	if err := r.cfg.Status.Set(ctx, key(job.ID), b, r.cfg.TTL); err != nil {
		return fmt.Errorf("jobs: record job %s: %w", job.ID, err)
	}
	return nil
}

func key(id string) string { return "jobs/" + id }

// validID reports whether id could be one Submit made (crypto/rand.Text:
// 26 characters of the base32 alphabet), so no outside string reaches the store.
func validID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
