package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/jobs"
)

// fed is the worker binary under the emulator, fed from the job queue by
// the local cloud's QueueFeeder through an event source mapping that was
// created with moto's Lambda API, as a deploy creates it.
type fed struct {
	*cloud
	worker  *testsvc.RIEProcess
	router  *testsvc.LambdaRouterServer
	lambda  *lambda.Client
	mapping string // the event source mapping's UUID
	runs    string // the worker's RUNS_FILE
	log     *testsvc.SyncBuffer
	runner  *jobs.Runner[reportRequest, report]
}

// testFedFromTheQueue runs the jobs fault tests end to end: nothing in them
// hands the worker its events but the feeder.
func testFedFromTheQueue(t *testing.T, c *cloud) {
	f := startFed(t, c)
	for _, tt := range []struct {
		name string
		fn   func(*testing.T, *fed)
	}{
		{"SubmittedJobCompletes", testFedJobCompletes},
		{"DuplicateDeliveryRunsOnce", testFedDuplicateRunsOnce},
		{"PoisonEndsInDLQ", testFedPoisonEndsInDLQ},
		{"PartialBatchFailure", testFedPartialBatchFailure},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, f)
			f.drained(t)
		})
	}
}

func startFed(t *testing.T, c *cloud) *fed {
	ctx := context.Background()
	// Failed deliveries come back after 2s rather than the default 30s.
	if _, err := c.sqs.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &c.queue,
		Attributes: map[string]string{"VisibilityTimeout": "2"}}); err != nil {
		t.Fatal(err)
	}
	f := &fed{cloud: c, lambda: lambda.NewFromConfig(c.moto.AWSConfig(t)), runs: filepath.Join(t.TempDir(), "runs"),
		log: &testsvc.SyncBuffer{}, runner: c.runner(t, noWork)}
	fn := c.moto.LambdaFunction(t, c.table+"-worker")
	esm, err := f.lambda.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{
		FunctionName: fn.FunctionName, EventSourceArn: aws.String(queueARN(t, c, c.queue)), BatchSize: aws.Int32(10),
		FunctionResponseTypes: []lambdatypes.FunctionResponseType{lambdatypes.FunctionResponseTypeReportBatchItemFailures},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.mapping = *esm.UUID
	f.worker = testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: testsvc.BuildHandler(t, "./runtime/jobs/testdata/reportworker"),
		Env: c.workerEnv(f.runs), FunctionName: *fn.FunctionName, Timeout: 5 * time.Second})
	f.router = testsvc.LambdaRouter(t, testsvc.LambdaRoutes{*fn.FunctionArn: {f.worker.URL}})
	feeder, err := localsvc.NewQueueFeeder(localsvc.QueueFeederOptions{AWS: c.moto.AWSConfig(t), Lambda: f.router.URL,
		Log: slog.New(slog.NewTextHandler(f.log, nil)), Refresh: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	fctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); feeder.Run(fctx) }()
	t.Cleanup(func() {
		stop()
		<-done
		if t.Failed() {
			t.Logf("feeder log:\n%s\nworker log:\n%s", f.log, f.worker.Logs())
		}
	})
	return f
}

// testFedJobCompletes: a job submitted through Submit runs once and succeeds.
func testFedJobCompletes(t *testing.T, f *fed) {
	job, err := f.runner.Submit(context.Background(), reportRequest{Month: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, f.runner, job.ID, func(j jobs.Job) bool { return j.Status == jobs.StatusSucceeded }, f.worker.Logs)
	f.ranOnce(t, "2026-01")
}

// testFedDuplicateRunsOnce: the job's message body sent a second time (SQS
// is at-least-once) does not run the work again.
func testFedDuplicateRunsOnce(t *testing.T, f *fed) {
	ctx := context.Background()
	job, err := f.runner.Submit(ctx, reportRequest{Month: "dup"})
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"jobId":%q,"input":{"month":"dup"}}`, job.ID)
	if _, err := f.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &f.queue, MessageBody: &body}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, f.runner, job.ID, func(j jobs.Job) bool { return j.Status == jobs.StatusSucceeded }, f.worker.Logs)
	f.drained(t)
	f.ranOnce(t, "dup")
	if n := f.deliveries(t, func(m events.SQSMessage) bool { return strings.Contains(m.Body, job.ID) }); n < 2 {
		t.Fatalf("the job's messages were delivered %d times, want both", n)
	}
}

// testFedPoisonEndsInDLQ: a job whose work always fails is marked failed on
// its last attempt and counted in JobsFailed; its message, and one that is
// not a job at all, end in the dead-letter queue.
func testFedPoisonEndsInDLQ(t *testing.T, f *fed) {
	ctx := context.Background()
	job, err := f.runner.Submit(ctx, reportRequest{Month: "fail"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &f.queue, MessageBody: aws.String("not a job")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, f.runner, job.ID, func(j jobs.Job) bool { return j.Status == jobs.StatusFailed }, f.worker.Logs)
	got, _ := f.runner.Get(ctx, job.ID)
	if got.Error != "no data for this month" || got.Attempts != maxReceive {
		t.Fatalf("failed job: %+v", got)
	}
	f.worker.WaitForLog(t, `"JobsFailed":1`)
	f.drained(t)
	var dead []string
	for range 5 {
		out, err := f.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &f.dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			dead = append(dead, *m.Body)
		}
		if len(dead) == 2 {
			break
		}
	}
	slices.Sort(dead)
	if len(dead) != 2 || dead[0] != "not a job" || !strings.Contains(dead[1], job.ID) {
		t.Fatalf("dead-letter queue holds %q, want the failed job's message and the one that is not a job", dead)
	}
	if n := strings.Count(f.runsFile(t), "started fail\n"); n != maxReceive {
		t.Fatalf("the failing work ran %d times, want %d", n, maxReceive)
	}
}

// testFedPartialBatchFailure: in one batch of three jobs where one fails,
// only the two that succeeded are deleted; the failed one alone comes back.
func testFedPartialBatchFailure(t *testing.T, f *fed) {
	ctx := context.Background()
	f.enable(t, false) // so the three jobs wait for one batch
	var ids []string
	for _, month := range []string{"2026-02", "fail-in-a-batch", "2026-03"} {
		job, err := f.runner.Submit(ctx, reportRequest{Month: month})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, job.ID)
	}
	before := len(f.router.Invocations())
	f.enable(t, true)
	waitFor(t, f.runner, ids[1], func(j jobs.Job) bool { return j.Status == jobs.StatusFailed }, f.worker.Logs)
	f.drained(t)
	var batches [][]string // job ids per invocation
	for _, ev := range deliveredEvents(t, f.router.Invocations()[before:]) {
		var b []string
		for _, m := range ev.Records {
			for _, id := range ids {
				if strings.Contains(m.Body, id) {
					b = append(b, id)
				}
			}
		}
		batches = append(batches, b)
	}
	if len(batches) < 2 || len(batches[0]) != 3 {
		t.Fatalf("deliveries %v: want one batch of the three jobs first", batches)
	}
	for _, b := range batches[1:] {
		if !slices.Equal(b, ids[1:2]) {
			t.Fatalf("deliveries %v: after the first batch only the failed job %s may come back", batches, ids[1])
		}
	}
	for _, id := range []string{ids[0], ids[2]} {
		if got, _ := f.runner.Get(ctx, id); got.Status != jobs.StatusSucceeded {
			t.Fatalf("job %s: %+v", id, got)
		}
	}
	if !strings.Contains(f.log.String(), "messages=3 failed=1") {
		t.Fatalf("the feeder logged no delivery of three messages with one failure:\n%s", f.log)
	}
}

// enable switches the event source mapping on or off, and waits until the
// feeder has seen it (one refresh and one long poll).
func (f *fed) enable(t *testing.T, on bool) {
	t.Helper()
	if _, err := f.lambda.UpdateEventSourceMapping(context.Background(), &lambda.UpdateEventSourceMappingInput{UUID: &f.mapping, Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	if !on {
		time.Sleep(1500 * time.Millisecond)
	}
}

// drained waits until the job queue holds no message, visible or in flight.
func (f *fed) drained(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := f.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: &f.queue,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Attributes["ApproximateNumberOfMessages"] == "0" && out.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue still holds messages after 30s: %v\nfeeder log:\n%s", out.Attributes, f.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// deliveries counts the messages the router passed to the worker that match.
func (f *fed) deliveries(t *testing.T, match func(events.SQSMessage) bool) int {
	t.Helper()
	n := 0
	for _, ev := range deliveredEvents(t, f.router.Invocations()) {
		for _, m := range ev.Records {
			if match(m) {
				n++
			}
		}
	}
	return n
}

// deliveredEvents are the SQS events of the calls (the feeder's DryRun
// checks that the function is served carry none).
func deliveredEvents(t *testing.T, calls []testsvc.Invocation) []events.SQSEvent {
	t.Helper()
	var out []events.SQSEvent
	for _, call := range calls {
		if call.Status == http.StatusNoContent {
			continue
		}
		var ev events.SQSEvent
		if err := json.Unmarshal(call.Payload, &ev); err != nil {
			t.Fatalf("invocation %+v: %v", call, err)
		}
		out = append(out, ev)
	}
	return out
}

func (f *fed) runsFile(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(f.runs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (f *fed) ranOnce(t *testing.T, month string) {
	t.Helper()
	runs := f.runsFile(t)
	if strings.Count(runs, "started "+month+"\n") != 1 || strings.Count(runs, "completed "+month+"\n") != 1 {
		t.Fatalf("runs:\n%s\nwant one start and one completion of %s", runs, month)
	}
}

func queueARN(t *testing.T, c *cloud, url string) string {
	t.Helper()
	out, err := c.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: &url,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes["QueueArn"]
}
