package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/jobs"
)

// queueVisibility stands in for a real queue's long visibility timeout (6 x
// the worker's), which a failed attempt used to wait out.
const queueVisibility = 5 * time.Minute

// A failed attempt hides its message for the job's backoff, not the queue's
// visibility timeout: the message is back after about RetryBackoff and the
// job succeeds on attempt 2.
func testRetryAfterBackoff(t *testing.T, c *cloud) {
	c.setVisibility(t, queueVisibility)
	var runs atomic.Int32
	cfg := c.config()
	cfg.RetryBackoff = time.Second
	r := c.runnerWith(t, cfg, func(_ context.Context, in reportRequest, _ jobs.Report) (report, error) {
		if runs.Add(1) == 1 {
			return report{}, errors.New("throttled")
		}
		return report{Month: in.Month}, nil
	})
	job, err := r.Submit(context.Background(), reportRequest{Month: "2026-11"})
	if err != nil {
		t.Fatal(err)
	}
	first := c.receive(t, c.queue)
	failedAt := time.Now()
	if resp, err := r.Worker()(context.Background(), first); err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("first attempt: %+v, %v; want its message failed", resp, err)
	}
	// As the event source mapping does: the failed message is left alone.
	second := c.receiveWithin(t, 15*time.Second)
	back := time.Since(failedAt)
	if n := second.Records[0].Attributes["ApproximateReceiveCount"]; n != "2" {
		t.Fatalf("redelivery has receive count %s, want 2", n)
	}
	if back > 10*time.Second {
		t.Errorf("the message came back after %s, want about the 1 s backoff", back)
	}
	resp, err := r.Worker()(context.Background(), second)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("second attempt: %+v, %v", resp, err)
	}
	c.settle(t, second, resp)
	if got, err := r.Get(context.Background(), job.ID); err != nil || got.Status != jobs.StatusSucceeded || got.Attempts != 2 || runs.Load() != 2 {
		t.Fatalf("job %+v (%v) after %d runs; want succeeded on attempt 2", got, err, runs.Load())
	}
}

// noVisibility is a queue that cannot change a message's visibility (say,
// a role without sqs:ChangeMessageVisibility).
type noVisibility struct{ jobs.Queue }

func (noVisibility) ChangeMessageVisibility(context.Context, *sqs.ChangeMessageVisibilityInput, ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	return nil, errors.New("AccessDenied: not authorized to perform sqs:ChangeMessageVisibility")
}

// When the backoff cannot be set, the attempt still fails as before (the
// message stays in flight for the queue's visibility timeout, then comes
// back): the failure to delay is logged, not the job's.
func testBackoffFallsBack(t *testing.T, c *cloud) {
	c.setVisibility(t, queueVisibility)
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	logged := &testsvc.SyncBuffer{}
	slog.SetDefault(slog.New(slog.NewJSONHandler(logged, nil)))
	cfg := c.config()
	cfg.Queue = noVisibility{c.sqs}
	r := c.runnerWith(t, cfg, func(context.Context, reportRequest, jobs.Report) (report, error) {
		return report{}, errors.New("throttled")
	})
	job, err := r.Submit(context.Background(), reportRequest{Month: "2026-11"})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := r.Worker()(context.Background(), c.receive(t, c.queue)); err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("attempt: %+v, %v; want its message failed", resp, err)
	}
	if got, err := r.Get(context.Background(), job.ID); err != nil || got.Status != jobs.StatusQueued || got.Attempts != 1 {
		t.Fatalf("job %+v (%v); want queued for its retry", got, err)
	}
	if ev := c.receive(t, c.queue); len(ev.Records) != 0 {
		t.Fatalf("the message is visible again at once: %+v", ev.Records)
	}
	if inFlight := c.inFlight(t); inFlight != 1 {
		t.Fatalf("%d messages in flight, want the job's, waiting out the visibility timeout", inFlight)
	}
	if out := logged.String(); !strings.Contains(out, "could not delay the retry") || !strings.Contains(out, "AccessDenied") {
		t.Fatalf("the failure to delay was not logged:\n%s", out)
	}
}

func (c *cloud) setVisibility(t *testing.T, d time.Duration) {
	t.Helper()
	if _, err := c.sqs.SetQueueAttributes(context.Background(), &sqs.SetQueueAttributesInput{QueueUrl: &c.queue,
		Attributes: map[string]string{string(sqstypes.QueueAttributeNameVisibilityTimeout): strconv.Itoa(int(d.Seconds()))}}); err != nil {
		t.Fatal(err)
	}
}

// receiveWithin waits up to within for a message on the job queue.
func (c *cloud) receiveWithin(t *testing.T, within time.Duration) events.SQSEvent {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ev := c.receive(t, c.queue); len(ev.Records) > 0 {
			return ev
		}
	}
	t.Fatalf("no message on the queue within %s", within)
	return events.SQSEvent{}
}

func (c *cloud) inFlight(t *testing.T) int {
	t.Helper()
	out, err := c.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: &c.queue,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return n
}
