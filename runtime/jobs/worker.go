package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/batch"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/lift"
)

// PublicError is a failure whose message the status URL may show callers.
// Any other error is shown as "job failed" (and logged in full), since error
// text from deep in the work can reveal internals.
type PublicError struct{ Message string }

func (e *PublicError) Error() string { return e.Message }

// genericFailure is what callers see for an error that is not a PublicError.
const genericFailure = "job failed"

// recordTimeout bounds recording an attempt's outcome after the work returns.
const recordTimeout = 5 * time.Second

// Worker returns the SQS batch handler that runs jobs:
// lift.Start(runner.Worker()). Its event source mapping needs
// ReportBatchItemFailures, so one failed job does not retry the others.
func (r *Runner[In, Out]) Worker(opts ...batch.Option) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return batch.SQS(r.process, opts...)
}

// process runs one job message. Returning an error leaves the message to
// SQS's retry (and, after maxReceiveCount, its dead-letter queue); a failed
// attempt with attempts left first sets the message's visibility to the
// job's backoff, so the retry comes then rather than after the queue's
// visibility timeout.
func (r *Runner[In, Out]) process(ctx context.Context, m events.SQSMessage) error {
	var msg message[In]
	if err := json.Unmarshal([]byte(m.Body), &msg); err != nil || !validID(msg.JobID) {
		return fmt.Errorf("jobs: message %s is not a job (%v): it will go to the dead-letter queue", m.MessageId, err)
	}
	job, err := r.Get(ctx, msg.JobID)
	switch {
	case errors.Is(err, ErrNotFound): // its record expired while it waited: run it under a new one
		job = Job{ID: msg.JobID, CreatedAt: r.now()}
	case err != nil:
		return err
	case job.Status == StatusSucceeded || job.Status == StatusFailed:
		return r.notify(ctx, job) // a duplicate delivery of a finished job, or a retry of its notice
	}
	job.StatusURL = r.cfg.StatusURL(job.ID)
	job.Attempts, job.Error = attempt(m), ""
	report := func(ctx context.Context, percent int, note string) error {
		job.Progress = &Progress{Percent: min(max(percent, 0), 100), Note: note}
		return r.update(ctx, &job)
	}
	// Only the delivery that wins the claim writes the record: a copy of the
	// message arriving while the job runs must not overwrite its progress.
	out, err := idempotency.Do(ctx, r.cfg.Idempotency, "job/"+job.ID, func(ctx context.Context) (Out, error) {
		job.Status = StatusRunning
		if err := r.update(ctx, &job); err != nil {
			var zero Out
			return zero, err
		}
		return r.run(ctx, msg.Input, report)
	}, idempotency.WithWait(0), idempotency.WithTTL(r.cfg.TTL))
	// The outcome is recorded even when the work used up the invocation's
	// context, so a last attempt that timed out still marks the job failed.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	switch {
	case errors.Is(err, idempotency.ErrInProgress):
		return err // another delivery is running it; this one retries after the visibility timeout
	case err != nil:
		return r.failed(ctx, m, job, err)
	}
	if job.Result, err = json.Marshal(out); err != nil {
		return fmt.Errorf("jobs: encode result of job %s: %w", job.ID, err)
	}
	job.Status = StatusSucceeded
	if err := r.update(ctx, &job); err != nil {
		return err
	}
	r.counted.succeeded.Add(1)
	return r.notify(ctx, job)
}

// failed records a failed attempt: the job is queued for its retry, after
// its backoff, or on the last attempt marked failed and its notice sent (once:
// the message goes on to the dead-letter queue). It returns the attempt's error.
func (r *Runner[In, Out]) failed(ctx context.Context, m events.SQSMessage, job Job, err error) error {
	job.Status, job.Error = StatusQueued, publicMessage(err)
	if job.Attempts >= r.cfg.MaxAttempts {
		job.Status = StatusFailed
		r.counted.failed.Add(1)
		lift.Logger(ctx).Error("jobs: attempt failed", "job", job.ID, "attempt", job.Attempts, "final", true, "error", err)
		if uerr := r.update(ctx, &job); uerr != nil {
			return errors.Join(err, uerr)
		}
		return errors.Join(err, r.notify(ctx, job))
	}
	r.counted.retried.Add(1)
	delay := r.nextDelay(job.Attempts)
	lift.Logger(ctx).Error("jobs: attempt failed", "job", job.ID, "attempt", job.Attempts, "final", false, "retryIn", delay.String(), "error", err)
	uerr := r.update(ctx, &job)
	// After the record says queued, so the retry cannot start before it.
	r.retryLater(ctx, m, job, delay)
	return errors.Join(err, uerr)
}

// notify sends a finished job's notice, when Config.Notify is set. Its
// error fails the message, so the queue redelivers it and the notice is
// tried again (the work is not: the job is finished).
func (r *Runner[In, Out]) notify(ctx context.Context, job Job) error {
	if r.cfg.Notify == nil {
		return nil
	}
	job.StatusURL = r.cfg.StatusURL(job.ID)
	if err := r.cfg.Notify(ctx, job); err != nil {
		lift.Logger(ctx).Error("jobs: notice failed", "job", job.ID, "status", job.Status, "error", err)
		return err
	}
	return nil
}

// run calls the work, turning a panic into this attempt's failure so the
// job's record says so (batch would fail the message, but not the record).
func (r *Runner[In, Out]) run(ctx context.Context, in In, report Report) (out Out, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jobs: work panicked: %v", p)
		}
	}()
	return r.work(ctx, in, report)
}

func (r *Runner[In, Out]) update(ctx context.Context, job *Job) error {
	job.UpdatedAt = r.now()
	return r.put(ctx, *job)
}

// attempt is the message's delivery count (1 for the first delivery).
func attempt(m events.SQSMessage) int {
	n, err := strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func publicMessage(err error) string {
	var pub *PublicError
	if errors.As(err, &pub) {
		return pub.Message
	}
	return genericFailure
}
