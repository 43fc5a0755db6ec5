package reports

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/examples/reports/stack"
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/jobs"
)

// TestReportsLocalCloud deploys the reports example to the local cloud,
// reads back the queues and the worker's event source mapping, then runs
// report jobs through the deployed API and worker: one end to end, one
// whose worker is killed mid-job, a poison one, one delivered twice, and one
// whose message a second environment gets while the first runs it.
func TestReportsLocalCloud(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	c := testsvc.Deploy(t, ctx, localcloud.Options{Stack: stack.StackName, App: synth(t)})
	cfg := c.Moto().AWSConfig()
	queues := sqs.NewFromConfig(cfg)
	out := c.Stack().Outputs
	queueURL, dlqURL := out["JobsQueueUrl"], out["JobsDeadLetterQueueUrl"]
	apiFn, workerFn := function(t, ctx, c, out["ApiFunctionName"]), function(t, ctx, c, out["WorkerFunctionName"])

	t.Run("both functions are the reports service on the deployed queue", func(t *testing.T) {
		for name, fn := range map[string]localcloud.Function{"api": apiFn, "worker": workerFn} {
			if fn.Env[contract.EnvService] != stack.ServiceName || fn.Env[contract.EnvJobsQueueURL] != queueURL || queueURL == "" ||
				fn.Env[contract.EnvJobsMaxAttempts] != "3" || fn.Env[contract.EnvCacheTable] == "" {
				t.Errorf("%s's environment %v: want service %s, queue %q, 3 attempts and the cache table", name, fn.Env, stack.ServiceName, queueURL)
			}
		}
		if workerFn.TimeoutSeconds != int32(workerTimeout.Seconds()) || workerFn.Env[report.EnvStepDelay] != stepDelay.String() {
			t.Errorf("worker timeout %d s, %s=%q: want the test's %s and %s", workerFn.TimeoutSeconds, report.EnvStepDelay, workerFn.Env[report.EnvStepDelay], workerTimeout, stepDelay)
		}
	})

	t.Run("queues read back", func(t *testing.T) {
		dlq := attributes(t, ctx, queues, dlqURL)
		dlqARN := dlq[string(sqstypes.QueueAttributeNameQueueArn)]
		q := attributes(t, ctx, queues, queueURL)
		var redrive struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
			MaxReceiveCount     any    `json:"maxReceiveCount"` // moto answers a string or a number
		}
		if err := json.Unmarshal([]byte(q[string(sqstypes.QueueAttributeNameRedrivePolicy)]), &redrive); err != nil ||
			redrive.DeadLetterTargetArn != dlqARN || jsonNumber(redrive.MaxReceiveCount) != "3" {
			t.Errorf("redrive policy %q (%v): want the dead-letter queue %s after 3 receives", q[string(sqstypes.QueueAttributeNameRedrivePolicy)], err, dlqARN)
		}
		// Six times the worker's timeout (service.Props.Jobs): a retry never
		// overlaps an attempt still running.
		if got := q[string(sqstypes.QueueAttributeNameVisibilityTimeout)]; got != strconv.Itoa(int(visibility.Seconds())) {
			t.Errorf("visibility timeout %s s, want 6 x the worker's %s", got, workerTimeout)
		}
		if got := dlq[string(sqstypes.QueueAttributeNameMessageRetentionPeriod)]; got != "1209600" {
			t.Errorf("dead-letter retention %s s, want 14 days", got)
		}
		for name, a := range map[string]map[string]string{"queue": q, "dead-letter queue": dlq} {
			if a[string(sqstypes.QueueAttributeNameSqsManagedSseEnabled)] != "true" {
				t.Errorf("%s is not encrypted at rest (attributes %v)", name, a)
			}
		}
		// Their TLS-only policies (AWS::SQS::QueuePolicy) moto does not
		// attach: examples/reports/stack's test checks them in the template.
	})

	t.Run("the API takes SigV4-signed requests only", func(t *testing.T) {
		apis := c.Report().ReadBack.HTTPAPIs
		if len(apis) != 1 {
			t.Fatalf("HTTP APIs %v, want the service's", apis)
		}
		for id, a := range apis {
			if len(a.Routes) == 0 {
				t.Errorf("API %s has no routes", id)
			}
			for key, r := range a.Routes {
				if r.AuthorizationType != "AWS_IAM" {
					t.Errorf("API %s route %s authorization %q, want AWS_IAM", id, key, r.AuthorizationType)
				}
			}
		}
	})

	t.Run("the jobs alarms join the service's composite alarm", func(t *testing.T) {
		rb := c.Report().ReadBack
		for _, key := range []string{monitoring.AlarmJobsDeadLetters, monitoring.AlarmJobsQueueAge, monitoring.AlarmJobsFailureRate,
			monitoring.AlarmJobsWorkerErrors, monitoring.AlarmJobsWorkerThrottles} {
			if _, ok := rb.Alarms[stack.StackName+"-"+stack.ServiceName+"-"+key]; !ok {
				t.Errorf("no alarm %s-%s-%s", stack.StackName, stack.ServiceName, key)
			}
		}
		if len(rb.Topics) != 1 {
			t.Fatalf("topics %v, want the alarm topic", rb.Topics)
		}
		for arn := range rb.Topics {
			if n := testsvc.CheckAlarms(t, rb, stack.StackName, arn, stack.ServiceName); n != len(rb.Alarms) {
				t.Errorf("checked %d alarms of %d read back; want every one", n, len(rb.Alarms))
			}
		}
	})

	var mappedFn string // what the mapping invokes: moto names the alias's version
	t.Run("the worker's event source mapping read back", func(t *testing.T) {
		list, err := lambda.NewFromConfig(cfg).ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
		if err != nil {
			t.Fatal(err)
		}
		q := attributes(t, ctx, queues, queueURL)
		if len(list.EventSourceMappings) != 1 {
			t.Fatalf("event source mappings %d, want the worker's one", len(list.EventSourceMappings))
		}
		m := list.EventSourceMappings[0]
		mappedFn = aws.ToString(m.FunctionArn)
		if aws.ToString(m.EventSourceArn) != q[string(sqstypes.QueueAttributeNameQueueArn)] || !strings.HasPrefix(aws.ToString(m.FunctionArn), workerFn.ARN) ||
			aws.ToInt32(m.BatchSize) != 1 || len(m.FunctionResponseTypes) != 1 || m.FunctionResponseTypes[0] != "ReportBatchItemFailures" {
			t.Errorf("mapping %s → %s, batch %d, response types %v: want the job queue to the worker %s, 1 job a batch, ReportBatchItemFailures",
				aws.ToString(m.EventSourceArn), aws.ToString(m.FunctionArn), aws.ToInt32(m.BatchSize), m.FunctionResponseTypes, workerFn.ARN)
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	// The API under the emulator; the worker behind a stable address, fed
	// from the queue through a local Lambda endpoint, as Lambda's pollers do.
	reports := api{testsvc.Emulate(t, c, apiFn, nil)}
	w := newWorker(t, c, workerFn)
	router := testsvc.FeedQueues(t, c, testsvc.LambdaRoutes{mappedFn: {w.URL()}})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- api ---\n%s\n--- worker ---\n%s", reports.rie.Logs(), w.logs())
		}
	})

	t.Run("a report: 202, progress, then the result", func(t *testing.T) {
		job := reports.submit(t, ctx, `{"month":"2026-10","top":2}`)
		start := time.Now()
		seen := reports.follow(t, ctx, job.ID, time.Minute, finished, w.logs)
		last := seen[len(seen)-1]
		if last.Status != jobs.StatusSucceeded || last.Attempts != 1 {
			t.Fatalf("job ended %+v after %s, want succeeded at the first attempt", last, states(seen))
		}
		if !sawProgress(seen) {
			t.Errorf("states %s: want the job seen running with progress between 0 and 100%%", states(seen))
		}
		if took := time.Since(start); took < report.DefaultSteps*stepDelay {
			t.Errorf("the report took %s, less than its %d steps of %s", took, report.DefaultSteps, stepDelay)
		}
		want := expected(t, report.Request{Month: "2026-10", Top: 2})
		if string(last.Result) != want {
			t.Errorf("result %s, want %s", last.Result, want)
		}
	})
	t.Run("a worker killed mid-job is retried and completes once", func(t *testing.T) { testKilledMidJob(t, ctx, reports, w) })
	t.Run("a poison message ends failed and in the dead-letter queue", func(t *testing.T) {
		testPoisonMessage(t, ctx, reports, w, queues, dlqURL)
	})
	t.Run("a message delivered twice runs the work once", func(t *testing.T) {
		env := maps.Clone(apiFn.Env)
		for _, kv := range c.Moto().Env() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		testDuplicateDelivery(t, ctx, reports, w, router, env, queues, queueURL)
	})
	t.Run("a copy delivered while the job runs waits its turn; the work runs once", func(t *testing.T) {
		testConcurrentDuplicate(t, ctx, reports, w, testsvc.Emulate(t, c, workerFn, nil))
	})
	t.Run("the queue is drained; only the poison message is dead-lettered", func(t *testing.T) {
		queueEmpty(t, ctx, queues, queueURL, visibility)
		dlq := attributes(t, ctx, queues, dlqURL)
		visible, inFlight := dlq[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)], dlq[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)]
		if visible+"+"+inFlight != "0+1" && visible+"+"+inFlight != "1+0" {
			t.Errorf("the dead-letter queue holds %s visible and %s in-flight messages, want the poison one", visible, inFlight)
		}
	})
}

// function reads back the stack's function with the physical name.
func function(t *testing.T, ctx context.Context, c *localcloud.Cloud, name string) localcloud.Function {
	t.Helper()
	for _, r := range c.Stack().Resources {
		if r.Type == "AWS::Lambda::Function" && r.PhysicalID == name && name != "" {
			fn, err := c.Function(ctx, r.LogicalID)
			if err != nil {
				t.Fatal(err)
			}
			return fn
		}
	}
	t.Fatalf("the stack has no function %q (outputs %v)", name, c.Stack().Outputs)
	return localcloud.Function{}
}

func attributes(t *testing.T, ctx context.Context, q *sqs.Client, url string) map[string]string {
	t.Helper()
	out, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatalf("GetQueueAttributes %s: %v", url, err)
	}
	return out.Attributes
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// sawProgress reports whether a job was seen running part way.
func sawProgress(seen []jobs.Job) bool {
	for _, j := range seen {
		if j.Status == jobs.StatusRunning && j.Progress != nil && j.Progress.Percent > 0 && j.Progress.Percent < 100 {
			return true
		}
	}
	return false
}

// expected is the report Work makes for in, as the job's result holds it.
func expected(t *testing.T, in report.Request) string {
	t.Helper()
	g := report.Generator{StepDelay: time.Nanosecond}
	r, err := g.Work(context.Background(), in, func(context.Context, int, string) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	return string(b)
}
