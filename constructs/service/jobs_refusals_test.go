package service_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

func worker() *gofunction.Props { return &gofunction.Props{Entry: jsii.String(entry)} }

type refusal struct {
	name                   string
	make                   func(awscdk.Stack)
	path, prop, value, fix string
}

func checkRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			problems := cdktest.SynthProblems(t, service.ErrInvalidProps, func() { _, stack := cdktest.NewStack(t, "Shop"); tc.make(stack) })
			if !cdktest.HasProblem(problems, tc.path, tc.prop, tc.value, tc.fix) {
				t.Fatalf("problems = %+v, want %s: %s is %s: ...%s", problems, tc.path, tc.prop, tc.value, tc.fix)
			}
		})
	}
}

// TestJobsRefusals: every wrong Jobs prop fails at synth naming the path,
// the prop, the value and the fix.
func TestJobsRefusals(t *testing.T) {
	jobs := func(j *service.JobsProps) func(awscdk.Stack) {
		return func(s awscdk.Stack) {
			if j.Worker == nil {
				j.Worker = worker()
			}
			service.New(s, jsii.String("reports"), &service.Props{Function: fn(), DynamoDBCache: &cachetier.DynamoDBProps{}, Jobs: j})
		}
	}
	minutes := func(m float64) awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(m)) }
	checkRefusals(t, []refusal{
		{"no cache tier", func(s awscdk.Stack) {
			service.New(s, jsii.String("reports"), &service.Props{Function: fn(), Jobs: &service.JobsProps{Worker: worker()}})
		}, "Shop/reports", "Jobs", "set without a cache tier", "set DynamoDBCache"},
		{"no worker", jobs(&service.JobsProps{Worker: &gofunction.Props{}}), "Shop/reports", "Jobs.Worker.Entry", "unset", "worker's main package"},
		{"worker service name", jobs(&service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String(entry), ServiceName: jsii.String("other")}}),
			"Shop/reports", "Jobs.Worker.ServiceName", `"other"`, "leave it unset"},
		{"worker timeout over 15 minutes", jobs(&service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String(entry), Timeout: minutes(16)}}),
			"Shop/reports", "Jobs.Worker.Timeout", "16 minutes", "at most 15 minutes"},
		{"worker events", jobs(&service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String(entry),
			FunctionOptions: &awslambda.FunctionOptions{Events: &[]awslambda.IEventSource{}}}}),
			"Shop/reports", "Jobs.Worker.FunctionOptions.Events", "set", "Lift maps the job queue"},
		{"max attempts zero", jobs(&service.JobsProps{MaxAttempts: jsii.Number(0)}), "Shop/reports", "Jobs.MaxAttempts", "0", "1 to 1000"},
		{"max attempts fraction", jobs(&service.JobsProps{MaxAttempts: jsii.Number(2.5)}), "Shop/reports", "Jobs.MaxAttempts", "2.5", "whole number"},
		{"batch size zero", jobs(&service.JobsProps{BatchSize: jsii.Number(0)}), "Shop/reports", "Jobs.BatchSize", "0", "1 to 10000"},
		{"batch over 10 without a window", jobs(&service.JobsProps{BatchSize: jsii.Number(11)}), "Shop/reports", "Jobs.BatchSize", "11", "MaxBatchingWindow"},
		{"window over 5 minutes", jobs(&service.JobsProps{MaxBatchingWindow: minutes(6)}), "Shop/reports", "Jobs.MaxBatchingWindow", "6 minutes", "0 to 5 minutes"},
		{"concurrency 1", jobs(&service.JobsProps{MaxConcurrency: jsii.Number(1)}), "Shop/reports", "Jobs.MaxConcurrency", "1", "2 to 1000"},
		{"concurrency above reserved", jobs(&service.JobsProps{MaxConcurrency: jsii.Number(10),
			Worker: &gofunction.Props{Entry: jsii.String(entry), ReservedConcurrentExecutions: jsii.Number(5)}}),
			"Shop/reports", "Jobs.MaxConcurrency", "10", "ReservedConcurrentExecutions (5)"},
		{"worker tracing against X-Ray", func(s awscdk.Stack) {
			service.New(s, jsii.String("reports"), &service.Props{Function: fn(), DynamoDBCache: &cachetier.DynamoDBProps{},
				Tracing: &service.TracingProps{CollectorLayer: adotLayer(s)},
				Jobs:    &service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String(entry), Tracing: awslambda.Tracing_PASS_THROUGH}}})
		}, "Shop/reports", "Jobs.Worker.Tracing", "PASS_THROUGH", "Tracing.XRay"},
		{"worker props refused by gofunction", jobs(&service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String(entry), MemorySize: jsii.Number(64)}}),
			"Shop/reports/Jobs/Worker", "MemorySize", "64", "128 to 10240"},
	})
}

// TestConsumerRefusals: wrong consumer props fail at synth naming the
// consumer's path, the prop, the value and the fix.
func TestConsumerRefusals(t *testing.T) {
	svc := func(s awscdk.Stack) *service.Service {
		return service.New(s, jsii.String("orders"), &service.Props{Function: fn(), Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)}})
	}
	queue := func(s awscdk.Stack, fifo bool) awssqs.IQueue {
		return awssqs.NewQueue(s, jsii.String("Q"), &awssqs.QueueProps{Fifo: jsii.Bool(fifo), EnforceSSL: jsii.Bool(true)})
	}
	seconds := func(v float64) awscdk.Duration { return awscdk.Duration_Seconds(jsii.Number(v)) }
	checkRefusals(t, []refusal{
		{"queue unset", func(s awscdk.Stack) { svc(s).AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{}) },
			"Shop/orders/ConsumerIn", "Queue", "unset", "awssqs.IQueue"},
		{"nil props", func(s awscdk.Stack) { svc(s).AddQueueConsumer(jsii.String("In"), nil) },
			"Shop/orders/ConsumerIn", "props", "nil", "source"},
		{"bad id", func(s awscdk.Stack) {
			svc(s).AddQueueConsumer(jsii.String("in box"), &service.QueueConsumerProps{Queue: queue(s, false)})
		}, "Shop/orders/Consumerin box", "id", `"in box"`, "letters, digits"},
		{"id twice", func(s awscdk.Stack) {
			o, q := svc(s), queue(s, false)
			o.AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: q})
			o.AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: q})
		}, "Shop/orders/ConsumerIn", "id", `"In"`, "already has a consumer"},
		{"fifo batch over 10", func(s awscdk.Stack) {
			svc(s).AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: queue(s, true), BatchSize: jsii.Number(20)})
		}, "Shop/orders/ConsumerIn", "BatchSize", "20", "1 to 10"},
		{"fifo window", func(s awscdk.Stack) {
			svc(s).AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: queue(s, true), MaxBatchingWindow: seconds(5)})
		}, "Shop/orders/ConsumerIn", "MaxBatchingWindow", "5 seconds", "FIFO"},
		{"queue batch over 10 without window", func(s awscdk.Stack) {
			svc(s).AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: queue(s, false), BatchSize: jsii.Number(100)})
		}, "Shop/orders/ConsumerIn", "BatchSize", "100", "MaxBatchingWindow"},
		{"queue concurrency", func(s awscdk.Stack) {
			svc(s).AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: queue(s, false), MaxConcurrency: jsii.Number(2000)})
		}, "Shop/orders/ConsumerIn", "MaxConcurrency", "2000", "2 to 1000"},
		{"visibility below the function's timeout", func(s awscdk.Stack) {
			f := fn()
			f.Timeout = awscdk.Duration_Minutes(jsii.Number(2))
			o := service.New(s, jsii.String("orders"), &service.Props{Function: f, Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)}})
			o.AddQueueConsumer(jsii.String("In"), &service.QueueConsumerProps{Queue: queue(s, false)})
		}, "Shop/orders/ConsumerIn", "Queue", "Shop/Q, whose visibility timeout (30 s) is below the function's timeout (120 s)", "at least the function's timeout"},
		{"no stream", func(s awscdk.Stack) { svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{}) },
			"Shop/orders/ConsumerFeed", "Stream/Table", "both unset", "Kinesis"},
		{"table without a stream", func(s awscdk.Stack) {
			table := awsdynamodb.NewTable(s, jsii.String("T"), &awsdynamodb.TableProps{
				PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING}})
			svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{Table: table})
		}, "Shop/orders/ConsumerFeed", "Table", "Shop/T, which has no stream", "StreamViewType"},
		{"stream limits", func(s awscdk.Stack) {
			svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{
				Stream: awskinesis.NewStream(s, jsii.String("S"), nil), ParallelizationFactor: jsii.Number(11)})
		}, "Shop/orders/ConsumerFeed", "ParallelizationFactor", "11", "1 to 10"},
		{"starting position", func(s awscdk.Stack) {
			svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{
				Stream: awskinesis.NewStream(s, jsii.String("S"), nil), StartingPosition: awslambda.StartingPosition_AT_TIMESTAMP})
		}, "Shop/orders/ConsumerFeed", "StartingPosition", "AT_TIMESTAMP", "TRIM_HORIZON or LATEST"},
		{"record age", func(s awscdk.Stack) {
			svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{
				Stream: awskinesis.NewStream(s, jsii.String("S"), nil), MaxRecordAge: seconds(10)})
		}, "Shop/orders/ConsumerFeed", "MaxRecordAge", "10 seconds", "60 seconds to 7 days"},
		{"retries", func(s awscdk.Stack) {
			svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{
				Stream: awskinesis.NewStream(s, jsii.String("S"), nil), RetryAttempts: jsii.Number(-1)})
		}, "Shop/orders/ConsumerFeed", "RetryAttempts", "-1", "0 to 10000"},
		{"fifo on-failure", func(s awscdk.Stack) {
			svc(s).AddStreamConsumer(jsii.String("Feed"), &service.StreamConsumerProps{
				Stream: awskinesis.NewStream(s, jsii.String("S"), nil), OnFailure: queue(s, true)})
		}, "Shop/orders/ConsumerFeed", "OnFailure", "a FIFO queue", "standard queue"},
	})
}
