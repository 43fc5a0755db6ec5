package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/metrics"
)

type reportRequest struct {
	Month string `json:"month"`
}

type report struct {
	Month string `json:"month"`
	Rows  int    `json:"rows"`
}

// cloud is moto serving the service's SQS queue (with a dead-letter queue
// after maxReceive deliveries) and its DynamoDB cache table.
type cloud struct {
	moto        *testsvc.MotoServer
	table       string
	sqs         *sqs.Client
	queue, dlq  string
	status      cache.Cache
	userCache   *cache.Scope // the service's own cache on the same table
	idempotency idempotency.Store
	metrics     *metrics.Writer
	metricsOut  *testsvc.SyncBuffer
}

const maxReceive = 2

// TestJobs shares one moto server (its start is the slow part); each subtest
// has a table and queues of its own.
func TestJobs(t *testing.T) {
	t.Setenv(contract.EnvService, "reports") // the metrics' Service dimension
	m := testsvc.Moto(t)
	for i, tt := range []struct {
		name string
		fn   func(*testing.T, *cloud)
	}{
		{"SubmitProgressResult", testSubmitProgressResult},
		{"DuplicateDeliveryRunsOnce", testDuplicateDeliveryRunsOnce},
		{"DuplicateLeavesRunningRecord", testDuplicateLeavesRunningRecord},
		{"FailingJobEndsFailedInDLQ", testFailingJobEndsFailedInDLQ},
		{"PoisonMessage", testPoisonMessage},
		{"LastAttemptTimesOut", testLastAttemptTimesOut},
		{"WorkerKilledMidJob", testWorkerKilledMidJob},
		{"ConfigFromEnv", testConfigFromEnv},
		{"NoticeRetried", testNoticeRetried},
		{"FedFromTheQueue", testFedFromTheQueue},
		{"RetryAfterBackoff", testRetryAfterBackoff},
		{"BackoffFallsBackToVisibilityTimeout", testBackoffFallsBack},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newCloud(t, m, fmt.Sprintf("reports%d", i))) })
	}
}

func newCloud(t *testing.T, m *testsvc.MotoServer, name string) *cloud {
	t.Helper()
	cfg := m.AWSConfig(t)
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(cfg)
	table := dynamocache.Config{Table: name + "-cache", KeyAttribute: contract.DefaultCacheKeyAttribute, TTLAttribute: contract.DefaultCacheTTLAttribute}
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: &table.Table, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: &table.KeyAttribute, AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: &table.KeyAttribute, KeyType: types.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	tier, err := dynamocache.New(ddb, table.Table, dynamocache.WithConsistentRead(true))
	if err != nil {
		t.Fatal(err)
	}
	status := jobs.Namespace(tier, "reports")
	userCache, err := cache.NewScope(tier, "reports")
	if err != nil {
		t.Fatal(err)
	}
	idem, err := dynamostore.New(ddb, table)
	if err != nil {
		t.Fatal(err)
	}
	c := &cloud{moto: m, table: table.Table, sqs: sqs.NewFromConfig(cfg), status: status, userCache: userCache, idempotency: idempotency.Namespace(idem, "reports"),
		metricsOut: &testsvc.SyncBuffer{}}
	c.metrics = metrics.New(c.metricsOut, "")
	dlq, err := c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"%d"}`, arn.Attributes["QueueArn"], maxReceive),
	}})
	if err != nil {
		t.Fatal(err)
	}
	c.queue, c.dlq = *q.QueueUrl, *dlq.QueueUrl
	return c
}

func (c *cloud) runner(t *testing.T, work jobs.Work[reportRequest, report]) *jobs.Runner[reportRequest, report] {
	t.Helper()
	return c.runnerWith(t, c.config(), work)
}

// config is the runners' configuration on this cloud.
func (c *cloud) config() jobs.Config {
	return jobs.Config{Queue: c.sqs, QueueURL: c.queue, Status: c.status, Idempotency: c.idempotency,
		StatusURL: func(id string) string { return "/reports/" + id }, MaxAttempts: maxReceive, Metrics: c.metrics}
}

func (c *cloud) runnerWith(t *testing.T, cfg jobs.Config, work jobs.Work[reportRequest, report]) *jobs.Runner[reportRequest, report] {
	t.Helper()
	r, err := jobs.New(cfg, work)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// receive takes what is visible on queue as Lambda's event source mapping
// would, into an SQS event.
func (c *cloud) receive(t *testing.T, queue string) events.SQSEvent {
	t.Helper()
	out, err := c.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &queue, MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SQSEvent
	for _, m := range out.Messages {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: *m.MessageId, ReceiptHandle: *m.ReceiptHandle, Body: *m.Body,
			Attributes: m.Attributes, EventSource: "aws:sqs"})
	}
	return ev
}

// settle does what the event source mapping does with the worker's answer:
// deletes the messages that succeeded and makes the failed ones visible
// again at once (a zero visibility timeout stands in for the wait).
func (c *cloud) settle(t *testing.T, ev events.SQSEvent, resp events.SQSEventResponse) {
	t.Helper()
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	ctx := context.Background()
	for _, m := range ev.Records {
		var err error
		if failed[m.MessageId] {
			_, err = c.sqs.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &c.queue, ReceiptHandle: &m.ReceiptHandle})
		} else {
			_, err = c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &c.queue, ReceiptHandle: &m.ReceiptHandle})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (c *cloud) deliver(t *testing.T, worker func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) events.SQSEventResponse {
	t.Helper()
	ev := c.receive(t, c.queue)
	if len(ev.Records) == 0 {
		t.Fatal("nothing on the queue")
	}
	resp, err := worker(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	c.settle(t, ev, resp)
	return resp
}

func serve(t *testing.T, r *jobs.Runner[reportRequest, report]) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("POST /reports", r.SubmitHandler())
	mux.Handle("GET /reports/{id}", r.StatusHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func getJob(t *testing.T, url string) (jobs.Job, int) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var job jobs.Job
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &job); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
	return job, resp.StatusCode
}

func submit(t *testing.T, base string) (jobs.Job, string) {
	t.Helper()
	resp, err := http.Post(base+"/reports", "application/json", strings.NewReader(`{"month":"2026-11"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var job jobs.Job
	if err := json.NewDecoder(resp.Body).Decode(&job); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("submit: %d, %v", resp.StatusCode, err)
	}
	loc := resp.Header.Get("Location")
	if job.Status != jobs.StatusQueued || loc != "/reports/"+job.ID || job.StatusURL != loc {
		t.Fatalf("submit answered %+v, Location %q", job, loc)
	}
	return job, base + loc
}

// The whole path: POST answers 202 at once, GET shows progress while the
// worker runs, then the result.
func testSubmitProgressResult(t *testing.T, c *cloud) {
	halfway, finish := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	r := c.runner(t, func(ctx context.Context, in reportRequest, progress jobs.Report) (report, error) {
		runs.Add(1)
		if err := progress(ctx, 50, "half the rows"); err != nil {
			return report{}, err
		}
		close(halfway)
		<-finish
		return report{Month: in.Month, Rows: 1200}, nil
	})
	base := serve(t, r)
	job, status := submit(t, base)
	if got, code := getJob(t, status); code != http.StatusOK || got.Status != jobs.StatusQueued {
		t.Fatalf("before the worker: %d %+v", code, got)
	}
	done := make(chan events.SQSEventResponse)
	go func() {
		ev := c.receive(t, c.queue)
		resp, err := r.Worker()(context.Background(), ev)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	<-halfway
	if got, _ := getJob(t, status); got.Status != jobs.StatusRunning || got.Progress == nil || got.Progress.Percent != 50 || got.Attempts != 1 {
		t.Fatalf("while running: %+v", got)
	}
	close(finish)
	if resp := <-done; len(resp.BatchItemFailures) != 0 {
		t.Fatalf("worker reported failures: %+v", resp)
	}
	got, _ := getJob(t, status)
	var out report
	if got.Status != jobs.StatusSucceeded || json.Unmarshal(got.Result, &out) != nil || out != (report{Month: "2026-11", Rows: 1200}) || got.ID != job.ID {
		t.Fatalf("after the worker: %+v", got)
	}
	if _, code := getJob(t, base+"/reports/NOTAJOB"); code != http.StatusNotFound {
		t.Fatalf("unknown job: %d, want 404", code)
	}
}

// Two deliveries of one message at once (SQS is at-least-once): the work runs once.
func testDuplicateDeliveryRunsOnce(t *testing.T, c *cloud) {
	var runs atomic.Int32
	r := c.runner(t, func(ctx context.Context, in reportRequest, _ jobs.Report) (report, error) {
		runs.Add(1)
		time.Sleep(300 * time.Millisecond)
		return report{Month: in.Month}, nil
	})
	_, status := submit(t, serve(t, r))
	ev := c.receive(t, c.queue)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := r.Worker()(context.Background(), ev); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if resp, _ := r.Worker()(context.Background(), ev); len(resp.BatchItemFailures) != 0 { // a late redelivery
		t.Fatalf("redelivery of a finished job failed: %+v", resp)
	}
	if got, _ := getJob(t, status); runs.Load() != 1 || got.Status != jobs.StatusSucceeded {
		t.Fatalf("work ran %d times; job %+v", runs.Load(), got)
	}
	c.metrics.Flush()
	if n := counted(t, c.metricsOut.String(), contract.MetricJobsSucceeded); n != 1 {
		t.Fatalf("JobsSucceeded = %d for one job delivered three times", n)
	}
}

// A copy of a job's message delivered while the job runs (attempt 2 here)
// finds the job claimed and writes nothing: the record keeps the running
// attempt's number and progress.
func testDuplicateLeavesRunningRecord(t *testing.T, c *cloud) {
	release := make(chan struct{})
	r := c.runner(t, func(ctx context.Context, in reportRequest, progress jobs.Report) (report, error) {
		if err := progress(ctx, 40, "halfway"); err != nil {
			return report{}, err
		}
		<-release
		return report{Month: in.Month}, nil
	})
	job, status := submit(t, serve(t, r))
	ev := c.receive(t, c.queue)
	second := ev
	second.Records = []events.SQSMessage{ev.Records[0]}
	second.Records[0].Attributes = map[string]string{"ApproximateReceiveCount": "2"}
	running := make(chan events.SQSEventResponse, 1)
	go func() { resp, _ := r.Worker()(context.Background(), second); running <- resp }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if got, _ := getJob(t, status); got.Progress != nil && got.Progress.Percent == 40 {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("the job never reported its progress")
		}
	}
	if resp, _ := r.Worker()(context.Background(), ev); len(resp.BatchItemFailures) != 1 { // the first copy, late
		t.Errorf("a copy of a running job: %+v, want its message failed (retried later)", resp)
	}
	if got, _ := getJob(t, status); got.Status != jobs.StatusRunning || got.Attempts != 2 || got.Progress == nil || got.Progress.Percent != 40 {
		t.Errorf("record after the copy: %+v, want running, attempt 2, 40%%", got)
	}
	close(release)
	if resp := <-running; len(resp.BatchItemFailures) != 0 {
		t.Fatalf("the running attempt: %+v", resp)
	}
	if got, _ := getJob(t, status); got.ID != job.ID || got.Status != jobs.StatusSucceeded || got.Attempts != 2 {
		t.Fatalf("job %+v, want succeeded on attempt 2", got)
	}
}

// A job that keeps failing is retried, then marked failed with only its
// public message, and its message ends in the dead-letter queue.
func testFailingJobEndsFailedInDLQ(t *testing.T, c *cloud) {
	var runs atomic.Int32
	r := c.runner(t, func(context.Context, reportRequest, jobs.Report) (report, error) {
		if runs.Add(1) == 1 {
			return report{}, errors.New("dial tcp 10.0.3.7:5432: connection refused") // internal: never shown
		}
		return report{}, &jobs.PublicError{Message: "the month has no data"}
	})
	_, status := submit(t, serve(t, r))
	if resp := c.deliver(t, r.Worker()); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("first attempt: %+v", resp)
	}
	if got, _ := getJob(t, status); got.Status != jobs.StatusQueued || got.Error != "job failed" || got.Attempts != 1 {
		t.Fatalf("after the first attempt: %+v", got)
	}
	c.metrics.Flush()
	if retried, failed := counted(t, c.metricsOut.String(), contract.MetricJobsRetried), counted(t, c.metricsOut.String(), contract.MetricJobsFailed); retried != 1 || failed != 0 {
		t.Fatalf("after the first attempt: JobsRetried %d, JobsFailed %d; want 1, 0", retried, failed)
	}
	if resp := c.deliver(t, r.Worker()); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("last attempt: %+v", resp)
	}
	if got, _ := getJob(t, status); got.Status != jobs.StatusFailed || got.Error != "the month has no data" || got.Attempts != maxReceive {
		t.Fatalf("after the last attempt: %+v", got)
	}
	c.metrics.Flush()
	out := c.metricsOut.String()
	if retried, failed, ok := counted(t, out, contract.MetricJobsRetried), counted(t, out, contract.MetricJobsFailed), counted(t, out, contract.MetricJobsSucceeded); retried != 1 || failed != 1 || ok != 0 {
		t.Fatalf("JobsRetried %d, JobsFailed %d, JobsSucceeded %d; want 1, 1, 0:\n%s", retried, failed, ok, out)
	}
	if ev := c.receive(t, c.queue); len(ev.Records) != 0 {
		t.Fatalf("the queue delivered the message a third time: %+v", ev.Records)
	}
	if dead := c.receive(t, c.dlq); len(dead.Records) != 1 {
		t.Fatalf("dead-letter queue holds %d messages, want the job's", len(dead.Records))
	}
}

// A message that is not a job fails (then dead-letters) without running anything.
func testPoisonMessage(t *testing.T, c *cloud) {
	r := c.runner(t, func(context.Context, reportRequest, jobs.Report) (report, error) {
		t.Error("work ran for a message that is not a job")
		return report{}, nil
	})
	if _, err := c.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &c.queue, MessageBody: aws.String(`{"jobId":"../../etc"}`)}); err != nil {
		t.Fatal(err)
	}
	if resp := c.deliver(t, r.Worker()); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("poison message: %+v, want it failed", resp)
	}
}

func TestNewNamesWhatIsMissing(t *testing.T) {
	_, err := jobs.New[reportRequest, report](jobs.Config{QueueURL: "q", RetryBackoff: -time.Second, MaxRetryDelay: 13 * time.Hour}, nil)
	if !errors.Is(err, jobs.ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
	for _, want := range []string{"Queue (an SQS client)", "Status", "Idempotency", "StatusURL", "the work function",
		"a positive RetryBackoff", "a MaxRetryDelay of at most 12h"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

// A last attempt whose work runs out the invocation's time still marks the
// job failed: the outcome is recorded on a context of its own.
func testLastAttemptTimesOut(t *testing.T, c *cloud) {
	r := c.runner(t, func(ctx context.Context, _ reportRequest, _ jobs.Report) (report, error) {
		<-ctx.Done()
		return report{}, ctx.Err()
	})
	job, err := r.Submit(context.Background(), reportRequest{Month: "2026-11"})
	if err != nil {
		t.Fatal(err)
	}
	ev := c.receive(t, c.queue)
	ev.Records[0].Attributes["ApproximateReceiveCount"] = fmt.Sprint(maxReceive) // as on the last delivery
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if resp, err := r.Worker()(ctx, ev); err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("timed-out attempt: %+v, %v", resp, err)
	}
	if got, err := r.Get(context.Background(), job.ID); err != nil || got.Status != jobs.StatusFailed || got.Error != "job failed" {
		t.Fatalf("after a last attempt that timed out: %+v, %v", got, err)
	}
}
