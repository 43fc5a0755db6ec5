package jobs

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/liftcdk/lift/runtime/lift"
)

// Defaults of the retry backoff. The first retry comes 5 to 10 s after a
// failure (long enough for a throttle or a failover to pass, short enough
// that a caller polling the status URL sees it soon); each later one waits
// twice as long, at most 15 minutes (Lambda's longest run: a job waits no
// longer between tries than one try may take).
const (
	DefaultRetryBackoff  = 10 * time.Second
	DefaultMaxRetryDelay = 15 * time.Minute
)

// maxVisibility is SQS's longest visibility timeout, so the longest
// ChangeMessageVisibility accepts.
const maxVisibility = 12 * time.Hour

// retryDelay is how long a job waits after failed attempt n (1 for the
// first) before the next: base doubled n-1 times, at most ceiling, then
// "equal jitter", a uniform pick in its upper half, so retries of jobs that
// failed together spread out yet none comes back at once. It is in whole
// seconds (what SQS takes), at least one. rnd(n) returns a number in [0, n).
func retryDelay(n int, base, ceiling time.Duration, rnd func(int64) int64) time.Duration {
	d := base
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	d = d/2 + time.Duration(rnd(int64(d/2)+1))
	return max(d.Round(time.Second), time.Second)
}

// retryLater hides message m for the job's backoff, so its next delivery
// comes after retryDelay instead of the queue's visibility timeout. A
// failure to do so is logged and otherwise ignored: the message keeps the
// visibility timeout it was received with, and comes back after that.
func (r *Runner[In, Out]) retryLater(ctx context.Context, m events.SQSMessage, job Job, delay time.Duration) {
	seconds := int32(delay / time.Second)
	_, err := r.cfg.Queue.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: &r.cfg.QueueURL, ReceiptHandle: &m.ReceiptHandle, VisibilityTimeout: seconds,
	})
	if err != nil {
		lift.Logger(ctx).Warn("jobs: could not delay the retry; it comes after the queue's visibility timeout instead",
			"job", job.ID, "attempt", job.Attempts, "message", m.MessageId, "error", err)
	}
}

// nextDelay is the backoff after the job's current attempt failed.
func (r *Runner[In, Out]) nextDelay(attempt int) time.Duration {
	return retryDelay(attempt, r.cfg.RetryBackoff, r.cfg.MaxRetryDelay, rand.Int64N)
}
