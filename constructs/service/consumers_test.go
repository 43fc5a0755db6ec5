package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/constructs/service"
)

// TestConsumers: a queue consumer and two stream consumers (Kinesis, a
// DynamoDB table's stream) on the service's live alias, each with
// ReportBatchItemFailures, the settings given, read grants, and alarms in
// the composite: QueueAge and DeadLetters per consumer, one IteratorAge.
func TestConsumers(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Shop")
	svc := service.New(stack, jsii.String("orders"), &service.Props{Function: fn(), Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)},
		Monitoring: &service.MonitoringProps{Alarms: &map[string]*monitoring.AlarmOverride{monitoring.AlarmQueueAge: {Threshold: jsii.Number(120)}}}})
	dlq := awssqs.NewQueue(stack, jsii.String("InDLQ"), &awssqs.QueueProps{EnforceSSL: jsii.Bool(true)})
	in := awssqs.NewQueue(stack, jsii.String("In"), &awssqs.QueueProps{EnforceSSL: jsii.Bool(true),
		DeadLetterQueue: &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(5)}})
	queued := svc.AddQueueConsumer(jsii.String("Incoming"), &service.QueueConsumerProps{
		Queue: in, BatchSize: jsii.Number(100), MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(10)), MaxConcurrency: jsii.Number(4)})
	stream := awskinesis.NewStream(stack, jsii.String("Clicks"), &awskinesis.StreamProps{Encryption: awskinesis.StreamEncryption_MANAGED})
	clicks := svc.AddStreamConsumer(jsii.String("Clicks"), &service.StreamConsumerProps{
		Stream: stream, ParallelizationFactor: jsii.Number(2), MaxRecordAge: awscdk.Duration_Hours(jsii.Number(1)), BisectBatchOnError: jsii.Bool(true)})
	table := awsdynamodb.NewTable(stack, jsii.String("Orders"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		Stream:       awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES})
	svc.AddStreamConsumer(jsii.String("Changes"), &service.StreamConsumerProps{Table: table, StartingPosition: awslambda.StartingPosition_LATEST})
	tmpl := assertions.Template_FromStack(stack, nil)

	if queued.DeadLetterQueue == nil || clicks.DeadLetterQueue == nil || queued.Mapping == nil {
		t.Fatalf("consumers: queue DLQ %v, stream on-failure %v", queued.DeadLetterQueue != nil, clicks.DeadLetterQueue != nil)
	}
	tmpl.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(3))
	for _, m := range cdktest.Resources(t, tmpl, "AWS::Lambda::EventSourceMapping") {
		props := m["Properties"].(map[string]any)
		name, _ := json.Marshal(props["FunctionName"])
		if !strings.Contains(string(name), `":`+service.AliasName+`"`) || props["FunctionResponseTypes"] == nil {
			t.Errorf("mapping %v: want the live alias and ReportBatchItemFailures", props)
		}
	}
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
		"BatchSize": 100, "MaximumBatchingWindowInSeconds": 10, "ScalingConfig": map[string]any{"MaximumConcurrency": 4},
		"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
		"StartingPosition": "TRIM_HORIZON", "BatchSize": 100, "ParallelizationFactor": 2, "MaximumRetryAttempts": 3,
		"MaximumRecordAgeInSeconds": 3600, "BisectBatchOnFunctionError": true, "FunctionResponseTypes": []any{"ReportBatchItemFailures"},
		"DestinationConfig": map[string]any{"OnFailure": map[string]any{"Destination": map[string]any{
			"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^ordersConsumerClicksOnFailure")), "Arn"}}}},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
		"StartingPosition": "LATEST", "EventSourceArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^Orders")), "StreamArn"}},
	})
	// The default on-failure destinations are encrypted, TLS-only and keep 14 days.
	tmpl.ResourcePropertiesCountIs(jsii.String("AWS::SQS::Queue"), map[string]any{"SqsManagedSseEnabled": true, "MessageRetentionPeriod": 14 * 24 * 3600}, jsii.Number(2))

	policy := policyOf(t, tmpl, "ordersFunctionServiceRoleDefaultPolicy")
	for _, action := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "kinesis:GetRecords", "dynamodb:GetRecords", "sqs:SendMessage"} {
		if !strings.Contains(policy, action) {
			t.Errorf("function policy lacks %s: %s", action, policy)
		}
	}

	rule, _ := json.Marshal(cdktest.Resources(t, tmpl, "AWS::CloudWatch::CompositeAlarm"))
	for _, name := range []string{"QueueAge-Incoming", "DeadLetters-Incoming", "DeadLetters-Clicks", "DeadLetters-Changes", "IteratorAge"} {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": "Shop-orders-" + name})
		if !strings.Contains(string(rule), strings.ReplaceAll(name, "-", "")) { // the rule names alarms by logical id
			t.Errorf("composite alarm rule lacks %s", name)
		}
	}
	tmpl.ResourcePropertiesCountIs(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": "Shop-orders-IteratorAge"}, jsii.Number(1))
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-QueueAge-Incoming", "Threshold": 120, "MetricName": "ApproximateAgeOfOldestMessage",
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-IteratorAge", "Threshold": 300,
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Expression": "age / 1000"})}),
	})
}

// TestConsumerAlarmOverrideWithoutConsumer: overriding a consumer alarm of a
// service that never adds a consumer fails the synth, naming the method.
func TestConsumerAlarmOverrideWithoutConsumer(t *testing.T) {
	app, stack := cdktest.NewStack(t, "Shop")
	service.New(stack, jsii.String("orders"), &service.Props{Function: fn(), Prewarm: &service.PrewarmProps{Disabled: jsii.Bool(true)},
		Monitoring: &service.MonitoringProps{Alarms: &map[string]*monitoring.AlarmOverride{monitoring.AlarmIteratorAge: {Threshold: jsii.Number(60)}}}})
	err := cdktest.SynthError(t, nil, func() { app.Synth(nil) })
	if msg := err.Error(); !strings.Contains(msg, "Shop/orders/Monitoring: Alarms is \"IteratorAge\"") || !strings.Contains(msg, "AddStreamConsumer") {
		t.Fatalf("error %q does not name the override and AddStreamConsumer", msg)
	}
}
