package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/constructs/service"
	"github.com/liftcdk/lift/internal/contract"
)

func jobsService(stack awscdk.Stack, jobs *service.JobsProps) *service.Service {
	if jobs.Worker == nil {
		jobs.Worker = &gofunction.Props{Entry: jsii.String(entry), Timeout: awscdk.Duration_Minutes(jsii.Number(2))}
	}
	return service.New(stack, jsii.String("reports"), &service.Props{
		Function: fn(), DynamoDBCache: &cachetier.DynamoDBProps{}, Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)},
		Jobs: jobs,
	})
}

// envOf returns the environment of the function whose logical id starts with prefix.
func envOf(t *testing.T, tmpl assertions.Template, prefix string) map[string]any {
	t.Helper()
	for id, f := range cdktest.Resources(t, tmpl, "AWS::Lambda::Function") {
		if strings.HasPrefix(id, prefix) {
			vars, _ := f["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
			return vars
		}
	}
	t.Fatalf("no function %s*", prefix)
	return nil
}

// policyOf returns the statements of the policy whose logical id starts with prefix, as JSON.
func policyOf(t *testing.T, tmpl assertions.Template, prefix string) string {
	t.Helper()
	var out []string
	for id, p := range cdktest.Resources(t, tmpl, "AWS::IAM::Policy") {
		if strings.HasPrefix(id, prefix) {
			b, _ := json.Marshal(p["Properties"].(map[string]any)["PolicyDocument"])
			out = append(out, string(b))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no policy %s*", prefix)
	}
	return strings.Join(out, "\n")
}

// TestJobs: the queue is encrypted (SSE-SQS), TLS-only, redrives to a 14-day
// DLQ after MaxAttempts, with a visibility timeout of 6x the worker's
// timeout; the worker's alias is mapped with ReportBatchItemFailures; both
// functions get LIFT_JOBS_* and the tier; the function may only send.
func TestJobs(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	svc := jobsService(stack, &service.JobsProps{MaxAttempts: jsii.Number(4)})
	tmpl := assertions.Template_FromStack(stack, nil)
	j := svc.Jobs
	if j == nil || j.Queue == nil || j.DeadLetterQueue == nil || j.Worker == nil || j.WorkerAlias == nil || j.Mapping == nil {
		t.Fatalf("Service.Jobs parts missing: %+v", j)
	}
	if got := *j.VisibilityTimeout.ToSeconds(nil); got != 720 {
		t.Errorf("visibility timeout = %v s, want 6 x 120", got)
	}
	tmpl.HasResourceProperties(jsii.String("AWS::SQS::Queue"), map[string]any{
		"SqsManagedSseEnabled": true, "VisibilityTimeout": 720,
		"RedrivePolicy": map[string]any{"maxReceiveCount": 4, "deadLetterTargetArn": assertions.Match_AnyValue()},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::SQS::Queue"), map[string]any{
		"SqsManagedSseEnabled": true, "MessageRetentionPeriod": 14 * 24 * 3600,
	})
	tmpl.ResourceCountIs(jsii.String("AWS::SQS::QueuePolicy"), jsii.Number(2)) // enforceSSL on both
	tmpl.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), map[string]any{
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		})})},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
		"BatchSize": 1, "FunctionResponseTypes": []any{"ReportBatchItemFailures"},
	})
	// The mapping invokes the worker's live alias: <worker name>:live.
	for _, m := range cdktest.Resources(t, tmpl, "AWS::Lambda::EventSourceMapping") {
		name, _ := json.Marshal(m["Properties"].(map[string]any)["FunctionName"])
		if !strings.Contains(string(name), `"reportsJobsWorker`) || !strings.Contains(string(name), `":`+service.AliasName+`"`) {
			t.Errorf("mapping's FunctionName = %s, want the worker's %s alias", name, service.AliasName)
		}
	}
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Alias"), map[string]any{
		"Name": service.AliasName, "FunctionName": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^reportsJobsWorker"))},
	})

	for _, prefix := range []string{"reportsFunction", "reportsJobsWorker"} {
		env := envOf(t, tmpl, prefix)
		if env[contract.EnvService] != "reports" || env[contract.EnvJobsMaxAttempts] != "4" || env[contract.EnvJobsQueueURL] == nil ||
			env[contract.EnvCacheKind] != contract.TierDynamoDB {
			t.Errorf("%s environment = %v, want LIFT_SERVICE, LIFT_JOBS_* and the DynamoDB tier", prefix, env)
		}
		if _, ok := env[contract.EnvJobsTopicARN]; ok {
			t.Errorf("%s has %s without a Topic", prefix, contract.EnvJobsTopicARN)
		}
		if worker := env[contract.EnvJobsWorker] == "true"; worker != (prefix == "reportsJobsWorker") {
			t.Errorf("%s: %s = %v, want true on the worker only", prefix, contract.EnvJobsWorker, env[contract.EnvJobsWorker])
		}
	}
	worker := cdktest.Resources(t, tmpl, "AWS::Lambda::Function")
	for id, f := range worker {
		if strings.HasPrefix(id, "reportsJobsWorker") && f["Properties"].(map[string]any)["Timeout"] != float64(120) {
			t.Errorf("worker timeout = %v, want 120", f["Properties"].(map[string]any)["Timeout"])
		}
	}

	// Least privilege: the function may send and nothing else on the queue; the worker consumes.
	fnPolicy := policyOf(t, tmpl, "reportsFunctionServiceRoleDefaultPolicy")
	if !strings.Contains(fnPolicy, `"sqs:SendMessage"`) || strings.Contains(fnPolicy, "sqs:ReceiveMessage") || strings.Contains(fnPolicy, "sqs:DeleteMessage") {
		t.Errorf("function policy is not send-only on the queue: %s", fnPolicy)
	}
	workerPolicy := policyOf(t, tmpl, "reportsJobsWorkerServiceRoleDefaultPolicy")
	for _, action := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "dynamodb:"} {
		if !strings.Contains(workerPolicy, action) {
			t.Errorf("worker policy lacks %s: %s", action, workerPolicy)
		}
	}
	if strings.Contains(workerPolicy, "sqs:SendMessage") || strings.Contains(workerPolicy, "sns:Publish") {
		t.Errorf("worker policy grants more than consuming: %s", workerPolicy)
	}

	// Alarms, in the composite.
	rule, _ := json.Marshal(cdktest.Resources(t, tmpl, "AWS::CloudWatch::CompositeAlarm"))
	for _, key := range []string{monitoring.AlarmJobsDeadLetters, monitoring.AlarmJobsQueueAge, monitoring.AlarmJobsFailureRate,
		monitoring.AlarmJobsWorkerErrors, monitoring.AlarmJobsWorkerThrottles} {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": "Shop-reports-" + key})
		if !strings.Contains(string(rule), key) {
			t.Errorf("composite alarm rule lacks %s", key)
		}
	}
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-reports-" + monitoring.AlarmJobsQueueAge, "Threshold": 4 * 720, "MetricName": "ApproximateAgeOfOldestMessage",
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-reports-" + monitoring.AlarmJobsFailureRate,
		"Metrics": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"Expression": assertions.Match_StringLikeRegexp(jsii.String(`100 \* FILL\(failed, 0\) / \(FILL\(succeeded, 0\) \+ FILL\(failed, 0\)\)`))}),
			assertions.Match_ObjectLike(&map[string]any{"MetricStat": assertions.Match_ObjectLike(&map[string]any{"Metric": map[string]any{
				"Namespace": contract.MetricsNamespace, "MetricName": contract.MetricJobsFailed,
				"Dimensions": []any{map[string]any{"Name": contract.DimService, "Value": "reports"}},
			}})}),
		}),
	})
	dash, _ := json.Marshal(cdktest.Resources(t, tmpl, "AWS::CloudWatch::Dashboard"))
	for _, title := range []string{"Jobs: queue depth", "Jobs: age of oldest (s)", "Jobs: succeeded, failed, retried"} {
		if !strings.Contains(string(dash), title) {
			t.Errorf("dashboard lacks %q", title)
		}
	}
}

// TestJobsKeyTopicAndBatching: a KMS key encrypts both queues and the
// function may use it to send; the topic's ARN reaches both functions and
// only the worker may publish; batching settings reach the mapping and the
// visibility timeout.
func TestJobsKeyTopicAndBatching(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	topic := awssns.NewTopic(stack, jsii.String("Done"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)})
	service.New(stack, jsii.String("reports"), &service.Props{
		Function: fn(), DynamoDBCache: &cachetier.DynamoDBProps{}, Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)},
		Jobs: &service.JobsProps{
			Worker:        &gofunction.Props{Entry: jsii.String(entry), Timeout: awscdk.Duration_Minutes(jsii.Number(2))},
			EncryptionKey: key, Topic: topic, BatchSize: jsii.Number(50),
			MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(20)), MaxConcurrency: jsii.Number(5),
		},
		Monitoring: &service.MonitoringProps{Alarms: &map[string]*monitoring.AlarmOverride{
			monitoring.AlarmJobsQueueAge: {Threshold: jsii.Number(600)}, monitoring.AlarmJobsWorkerThrottles: {Disabled: jsii.Bool(true)},
		}},
	})
	tmpl := assertions.Template_FromStack(stack, nil)
	// Jobs alarms take overrides like the others.
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-reports-" + monitoring.AlarmJobsQueueAge, "Threshold": 600,
		"AlarmDescription": assertions.Match_StringLikeRegexp(jsii.String("^The oldest job has waited at least 600 s")),
	})
	tmpl.ResourcePropertiesCountIs(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": "Shop-reports-" + monitoring.AlarmJobsWorkerThrottles}, jsii.Number(0))
	tmpl.ResourcePropertiesCountIs(jsii.String("AWS::SQS::Queue"), map[string]any{
		"KmsMasterKeyId": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^Key")), "Arn"}},
	}, jsii.Number(2))
	tmpl.HasResourceProperties(jsii.String("AWS::SQS::Queue"), map[string]any{"VisibilityTimeout": 6*120 + 20})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
		"BatchSize": 50, "MaximumBatchingWindowInSeconds": 20, "ScalingConfig": map[string]any{"MaximumConcurrency": 5},
		"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
	})
	for _, prefix := range []string{"reportsFunction", "reportsJobsWorker"} {
		if env := envOf(t, tmpl, prefix); env[contract.EnvJobsTopicARN] == nil {
			t.Errorf("%s lacks %s: %v", prefix, contract.EnvJobsTopicARN, env)
		}
	}
	fnPolicy := policyOf(t, tmpl, "reportsFunctionServiceRoleDefaultPolicy")
	if !strings.Contains(fnPolicy, "kms:GenerateDataKey") || strings.Contains(fnPolicy, "sns:Publish") {
		t.Errorf("function policy: want kms:GenerateDataKey on the key, no sns:Publish: %s", fnPolicy)
	}
	if workerPolicy := policyOf(t, tmpl, "reportsJobsWorkerServiceRoleDefaultPolicy"); !strings.Contains(workerPolicy, "sns:Publish") || !strings.Contains(workerPolicy, "kms:Decrypt") {
		t.Errorf("worker policy lacks sns:Publish or kms:Decrypt: %s", workerPolicy)
	}
}

// TestJobsWorkerFollowsTheService: with an ElastiCache tier the worker runs
// in the tier's VPC with the tier's environment, and it takes the
// function's log retention when it sets none.
func TestJobsWorkerFollowsTheService(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	f := fn()
	f.LogRetention = awslogs.RetentionDays_ONE_WEEK
	service.New(stack, jsii.String("carts"), &service.Props{
		Function: f, ElastiCache: &cachetier.ElastiCacheProps{CreateVpc: jsii.Bool(true)},
		Jobs: &service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String(entry)}},
	})
	tmpl := assertions.Template_FromStack(stack, nil)
	workers := 0
	for id, fn := range cdktest.Resources(t, tmpl, "AWS::Lambda::Function") {
		if !strings.HasPrefix(id, "cartsJobsWorker") {
			continue
		}
		workers++
		props := fn["Properties"].(map[string]any)
		env := props["Environment"].(map[string]any)["Variables"].(map[string]any)
		if props["VpcConfig"] == nil || env[contract.EnvCacheKind] != contract.CacheKindValkey || props["Timeout"] != float64(300) {
			t.Errorf("worker: VpcConfig %v, %s %v, Timeout %v; want the tier's VPC, valkey, the 5-minute default",
				props["VpcConfig"], contract.EnvCacheKind, env[contract.EnvCacheKind], props["Timeout"])
		}
	}
	if workers != 1 {
		t.Fatalf("%d worker functions, want 1", workers)
	}
	tmpl.ResourcePropertiesCountIs(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 7}, jsii.Number(2))
	tmpl.HasResourceProperties(jsii.String("AWS::SQS::Queue"), map[string]any{"VisibilityTimeout": 6 * 300})
}
