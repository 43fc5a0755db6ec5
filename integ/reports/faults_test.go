package reports

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
)

// visibility is the job queue's visibility timeout (6 x the worker's): how
// long a message stays away after a worker died with it, or after the last
// attempt failed, before its next receive (which dead-letters that one).
const visibility = 6 * workerTimeout

// A failed attempt with attempts left comes back after the worker's backoff
// instead (jobs.DefaultRetryBackoff, doubling per attempt, jittered in the
// upper half). backoffSlack covers the local poller's long poll, the
// emulator's invoke and the work itself.
const backoffSlack = 8 * time.Second

// backoffWithin is the longest wait the retries of a job failing attempts
// 1 to n-1 take: the sum of their highest backoffs, plus slack each.
func backoffWithin(n int) time.Duration {
	var d time.Duration
	for i := range n - 1 {
		d += jobs.DefaultRetryBackoff<<i + backoffSlack
	}
	return d
}

// testKilledMidJob kills the worker's environment while a report runs: the
// message was not deleted, so after the visibility timeout a fresh
// environment runs the job again and it completes, once.
func testKilledMidJob(t *testing.T, ctx context.Context, reports api, w *worker) {
	job := reports.submit(t, ctx, `{"month":"2026-09"}`)
	reports.follow(t, ctx, job.ID, 30*time.Second, func(j jobs.Job) bool {
		return j.Status == jobs.StatusRunning && j.Progress != nil && j.Progress.Percent >= 25
	}, w.logs)
	w.replace()
	if got := reports.get(t, ctx, job.ID); got.Status != jobs.StatusRunning || got.Attempts != 1 {
		t.Fatalf("just after the kill the job is %s; want still running its first attempt (nobody saw it die)", state(got))
	}
	seen := reports.follow(t, ctx, job.ID, visibility+time.Minute, finished, w.logs)
	last := seen[len(seen)-1]
	if last.Status != jobs.StatusSucceeded || last.Attempts != 2 || string(last.Result) != expected(t, report.Request{Month: "2026-09"}) {
		t.Fatalf("after the kill the job went %s and ended %+v; want succeeded at the second attempt with the report", states(seen), last)
	}
	if started, completed := w.runs("report started", "2026-09"), w.runs("report completed", "2026-09"); started != 2 || completed != 1 {
		t.Errorf("the work started %d times and completed %d; want 2 starts (the killed one, the retry) and 1 completion", started, completed)
	}
}

// testPoisonMessage submits a month the work always refuses: each attempt
// fails and is retried after the worker's backoff (not the queue's
// visibility timeout), the last marks the job failed with the work's public
// error, and the message moves to the dead-letter queue.
func testPoisonMessage(t *testing.T, ctx context.Context, reports api, w *worker, queues *sqs.Client, dlqURL string) {
	job := reports.submit(t, ctx, `{"month":"2019-12"}`)
	seen := reports.follow(t, ctx, job.ID, backoffWithin(3)+30*time.Second, finished, w.logs)
	last := seen[len(seen)-1]
	const want = "no sales data for 2019-12: the data starts in 2020-01"
	if last.Status != jobs.StatusFailed || last.Attempts != 3 || last.Error != want || last.Result != nil {
		t.Fatalf("the poison job went %s and ended %+v; want failed after 3 attempts with %q", states(seen), last, want)
	}
	retriedAfterBackoff(t, seen)
	if n := w.runs("report started", "2019-12"); n != 3 {
		t.Errorf("the work ran %d times, want once per attempt (3)", n)
	}
	if logs := w.logs(); !strings.Contains(logs, `"JobsFailed"`) {
		t.Errorf("the worker emitted no JobsFailed metric")
	}
	// SQS moves it at the receive after the last failed one: one visibility timeout on.
	deadline := time.Now().Add(visibility + 30*time.Second)
	for {
		out, err := queues.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &dlqURL, WaitTimeSeconds: 1, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatalf("receive from the dead-letter queue: %v", err)
		}
		for _, m := range out.Messages {
			var msg struct{ JobID string }
			if json.Unmarshal([]byte(*m.Body), &msg) == nil && msg.JobID == job.ID {
				return
			}
			t.Errorf("the dead-letter queue holds another message: %s", *m.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s's message is not in the dead-letter queue %s after %s", job.ID, dlqURL, visibility+30*time.Second)
		}
	}
}

// retriedAfterBackoff checks that each failed attempt n of seen was
// followed by the next after its backoff: at least the jittered least
// (half of DefaultRetryBackoff doubled n-1 times), at most the highest plus
// slack, well short of the queue's visibility timeout.
func retriedAfterBackoff(t *testing.T, seen []jobs.Job) {
	t.Helper()
	ended := map[int]time.Time{} // attempt -> when its failure was recorded
	for _, j := range seen {
		if j.Status == jobs.StatusQueued && j.Attempts > 0 || j.Status == jobs.StatusFailed {
			ended[j.Attempts] = j.UpdatedAt
		}
	}
	for n := 1; n < 3; n++ {
		prev, next := ended[n], ended[n+1]
		if prev.IsZero() || next.IsZero() {
			t.Errorf("the failures of attempts %d and %d were not both seen: %s", n, n+1, states(seen))
			continue
		}
		highest := jobs.DefaultRetryBackoff << (n - 1)
		if gap := next.Sub(prev); gap < highest/2-time.Second || gap > highest+backoffSlack {
			t.Errorf("attempt %d failed %s after attempt %d; want its backoff, %s to %s (plus up to %s of delivery and work)",
				n+1, gap.Round(100*time.Millisecond), n, highest/2, highest, backoffSlack)
		}
	}
}

// twice sends every message two times, as SQS's at-least-once delivery may.
type twice struct{ jobs.Queue }

func (q twice) SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	if _, err := q.Queue.SendMessage(ctx, in, opts...); err != nil {
		return nil, err
	}
	return q.Queue.SendMessage(ctx, in, opts...)
}

// queueEmpty waits until the queue holds no message, visible or in flight.
func queueEmpty(t *testing.T, ctx context.Context, queues *sqs.Client, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		a := attributes(t, ctx, queues, url)
		visible, inFlight := a[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)], a[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)]
		if visible == "0" && inFlight == "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue %s still holds %s visible and %s in-flight messages after %s", url, visible, inFlight, within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// testDuplicateDelivery submits a job whose message goes to the queue twice
// (through the API function's own configuration, with a queue client that
// sends each message two times): the worker gets both, and the work runs once.
func testDuplicateDelivery(t *testing.T, ctx context.Context, reports api, w *worker, router *testsvc.LambdaRouterServer, env map[string]string, queues *sqs.Client, queueURL string) {
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := jobs.ConfigFromEnv(ctx, dynamostore.Backend())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Queue = twice{cfg.Queue}
	runner, err := report.NewRunner(cfg, report.Generator{})
	if err != nil {
		t.Fatal(err)
	}
	job, err := runner.Submit(ctx, report.Request{Month: "2026-08"})
	if err != nil {
		t.Fatal(err)
	}
	seen := reports.follow(t, ctx, job.ID, time.Minute, finished, w.logs)
	last := seen[len(seen)-1]
	if last.Status != jobs.StatusSucceeded || string(last.Result) != expected(t, report.Request{Month: "2026-08"}) {
		t.Fatalf("the job went %s and ended %+v; want succeeded with the report", states(seen), last)
	}
	queueEmpty(t, ctx, queues, queueURL, time.Minute) // both copies delivered and deleted
	delivered := 0
	for _, inv := range router.Invocations() {
		if strings.Contains(string(inv.Payload), job.ID) {
			delivered++
		}
	}
	if delivered != 2 {
		t.Errorf("the worker was invoked %d times with job %s, want 2 (one per copy)", delivered, job.ID)
	}
	if started, completed := w.runs("report started", "2026-08"), w.runs("report completed", "2026-08"); started != 1 || completed != 1 {
		t.Errorf("the work started %d times and completed %d for two deliveries; want once", started, completed)
	}
}

// testConcurrentDuplicate hands a copy of a running job's message to a
// second worker environment, as SQS may while the first still runs it: the
// second finds the job claimed and reports the message failed (SQS would
// deliver it again later, to find the job done), and the work runs once.
func testConcurrentDuplicate(t *testing.T, ctx context.Context, reports api, w *worker, second *testsvc.RIEProcess) {
	job := reports.submit(t, ctx, `{"month":"2026-07"}`)
	reports.follow(t, ctx, job.ID, 30*time.Second, func(j jobs.Job) bool { return j.Status == jobs.StatusRunning && j.Progress != nil }, w.logs)
	// The message as the API queued it (see runtime/jobs), in Lambda's SQS event.
	copyOf, _ := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{{
		MessageId: "copy-1", EventSource: "aws:sqs", Attributes: map[string]string{"ApproximateReceiveCount": "1"},
		Body: `{"jobId":"` + job.ID + `","input":{"month":"2026-07"}}`,
	}}})
	var resp events.SQSEventResponse
	if out := second.MustInvoke(t, ctx, string(copyOf)); json.Unmarshal(out, &resp) != nil ||
		len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "copy-1" {
		t.Fatalf("the second environment answered the copy with %s; want it reported failed, to come back later\n%s", out, second.Logs())
	}
	seen := reports.follow(t, ctx, job.ID, time.Minute, finished, w.logs)
	if last := seen[len(seen)-1]; last.Status != jobs.StatusSucceeded || last.Attempts != 1 || string(last.Result) != expected(t, report.Request{Month: "2026-07"}) {
		t.Fatalf("the job went %s and ended %+v; want succeeded at the first attempt with the report", states(seen), last)
	}
	if n := w.runs("report started", "2026-07") + strings.Count(second.Logs(), `"msg":"report started"`); n != 1 {
		t.Errorf("the work started %d times across both environments, want once", n)
	}
}
