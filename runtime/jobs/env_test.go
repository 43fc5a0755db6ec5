package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/idempotency/valkeystore"
	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/metrics"
)

// setEnv sets the variables (an empty value unsets one for the test).
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
}

func TestConfigFromEnvNamesEveryBadVariable(t *testing.T) {
	setEnv(t, map[string]string{contract.EnvJobsQueueURL: "", contract.EnvJobsMaxAttempts: "zero", contract.EnvJobsTopicARN: "reports-done",
		contract.EnvService: "reports", contract.EnvCacheKind: contract.CacheKindDynamoDB, contract.EnvCacheTable: "t"})
	_, err := jobs.ConfigFromEnv(context.Background(), dynamostore.Backend())
	if !errors.Is(err, jobs.ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
	for _, want := range []string{contract.EnvJobsQueueURL + " is not set", contract.EnvJobsMaxAttempts + `="zero"`, contract.EnvJobsTopicARN + `="reports-done"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %s", err, want)
		}
	}
}

func TestConfigFromEnvNeedsASharedTier(t *testing.T) {
	base := map[string]string{contract.EnvJobsQueueURL: "http://localhost/q", contract.EnvJobsMaxAttempts: "", contract.EnvJobsTopicARN: "",
		contract.EnvService: "reports", contract.EnvCacheTable: "t"}
	for _, tt := range []struct {
		name, kind string
		backends   []idempotency.Backend
		want       string
	}{
		{"memory", contract.CacheKindMemory, []idempotency.Backend{dynamostore.Backend()}, "the memory tier is per process"},
		{"backend not linked", contract.CacheKindDynamoDB, []idempotency.Backend{valkeystore.Backend()}, "pass dynamostore.Backend()"},
		{"backend without a tier", contract.CacheKindDynamoDB, []idempotency.Backend{{Kind: contract.CacheKindDynamoDB, New: dynamostore.Backend().New}}, "cannot keep job records"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, base)
			t.Setenv(contract.EnvCacheKind, tt.kind)
			_, err := jobs.ConfigFromEnv(context.Background(), tt.backends...)
			if !errors.Is(err, jobs.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidConfig saying %q", err, tt.want)
			}
		})
	}
}

// testConfigFromEnv builds the whole Config from the environment the
// constructs write, against moto: a job submitted with it runs, its record
// is on the shared tier, the worker counts it, and its notice reaches an SQS
// queue subscribed to the topic.
func testConfigFromEnv(t *testing.T, c *cloud) {
	ctx := context.Background()
	awsCfg := c.moto.AWSConfig(t)
	topic, err := sns.NewFromConfig(awsCfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(c.table + "-done")})
	if err != nil {
		t.Fatal(err)
	}
	inbox := c.subscribe(t, *topic.TopicArn)
	env := c.workerEnv("")
	env[contract.EnvJobsTopicARN] = *topic.TopicArn
	setEnv(t, env)
	cfg, err := jobs.ConfigFromEnv(ctx, dynamostore.Backend())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxAttempts != maxReceive || cfg.QueueURL != c.queue || cfg.Notify == nil {
		t.Fatalf("config: %+v", cfg)
	}
	out := &testsvc.SyncBuffer{}
	cfg.Metrics = metrics.New(out, "")
	cfg.StatusURL = func(id string) string { return "/reports/" + id }
	r, err := jobs.New(cfg, func(_ context.Context, in reportRequest, _ jobs.Report) (report, error) {
		return report{Month: in.Month, Rows: 7}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	job, err := r.Submit(ctx, reportRequest{Month: "2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	if resp := c.deliver(t, r.Worker()); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("worker: %+v", resp)
	}
	// The record is on the shared tier: the test's own view of the table
	// reads it, and the service's cache writing the same key cannot touch it.
	if err := c.userCache.Set(ctx, "jobs/"+job.ID, []byte("a cached value"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := c.runner(t, noWork).Get(ctx, job.ID); err != nil || got.Status != jobs.StatusSucceeded {
		t.Fatalf("record on the shared tier: %+v, %v", got, err)
	}
	cfg.Metrics.Flush()
	if n := counted(t, out.String(), contract.MetricJobsSucceeded); n != 1 {
		t.Fatalf("JobsSucceeded = %d, want 1; metrics:\n%s", n, out)
	}
	var notice jobs.Job
	if err := json.Unmarshal([]byte(c.notice(t, inbox)), &notice); err != nil || notice.ID != job.ID || notice.Status != jobs.StatusSucceeded ||
		!strings.Contains(string(notice.Result), `"rows":7`) || notice.StatusURL != "/reports/"+job.ID {
		t.Fatalf("notice: %+v, %v", notice, err)
	}
}

// noWork is work that must not run (for a Runner used only to read records).
func noWork(context.Context, reportRequest, jobs.Report) (report, error) {
	return report{}, errors.New("not run")
}

// subscribe makes a queue that receives topic's messages raw, and returns its URL.
func (c *cloud) subscribe(t *testing.T, topic string) string {
	t.Helper()
	ctx := context.Background()
	q, err := c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(c.table + "-inbox")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sns.NewFromConfig(c.moto.AWSConfig(t)).Subscribe(ctx, &sns.SubscribeInput{TopicArn: &topic, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"]), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	return *q.QueueUrl
}

// notice waits for one message on inbox and returns its body.
func (c *cloud) notice(t *testing.T, inbox string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &inbox, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			return *out.Messages[0].Body
		}
	}
	t.Fatal("no notice reached the subscribed queue")
	return ""
}

// counted sums the values of EMF metric name with dimension Service=reports in out.
func counted(t *testing.T, out, name string) int {
	t.Helper()
	n := 0
	for line := range strings.Lines(out) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not an EMF line: %q", line)
		}
		if v, ok := m[name].(float64); ok && m[contract.DimService] == "reports" {
			n += int(v)
		}
	}
	return n
}

// A notice that fails to publish fails the message, so the redelivery sends
// it again without running the work again.
func testNoticeRetried(t *testing.T, c *cloud) {
	var runs, notices int
	r, err := jobs.New(jobs.Config{Queue: c.sqs, QueueURL: c.queue, Status: c.status, Idempotency: c.idempotency, Metrics: c.metrics,
		StatusURL: func(id string) string { return "/reports/" + id },
		Notify: func(_ context.Context, job jobs.Job) error {
			if notices++; notices == 1 {
				return errors.New("sns: throttled")
			}
			if job.Status != jobs.StatusSucceeded {
				t.Errorf("notice of %+v", job)
			}
			return nil
		},
	}, func(context.Context, reportRequest, jobs.Report) (report, error) { runs++; return report{Rows: 1}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Submit(context.Background(), reportRequest{Month: "2026-12"}); err != nil {
		t.Fatal(err)
	}
	if resp := c.deliver(t, r.Worker()); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("a failed notice: %+v, want the message failed", resp)
	}
	if resp := c.deliver(t, r.Worker()); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery: %+v", resp)
	}
	if runs != 1 || notices != 2 {
		t.Fatalf("work ran %d times, %d notices; want 1 and 2", runs, notices)
	}
}
