package service_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

// TestJobsCompliance synthesizes a service with jobs (KMS key, completion
// topic, batching) and a queue and two stream consumers, with cdk-nag's
// AwsSolutions pack: it must pass cdk-nag with no new suppression and
// cfn-lint with only DefaultIgnored; aws-cdk-lib's template validation is on
// (cdk.json).
func TestJobsCompliance(t *testing.T) {
	app := cdktest.NewApp(t, cdktest.WithCDKJSON("../../cdk.json"), cdktest.WithNag())
	stack := awscdk.NewStack(app, jsii.String("LiftJobs"), &awscdk.StackProps{Env: cdktest.Env()})
	key := awskms.NewKey(stack, jsii.String("JobsKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	topic := awssns.NewTopic(stack, jsii.String("JobsDone"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true), MasterKey: key})
	svc := service.New(stack, jsii.String("reports"), &service.Props{
		Function:      fn(),
		DynamoDBCache: &cachetier.DynamoDBProps{},
		Jobs: &service.JobsProps{
			Worker:        &gofunction.Props{Entry: jsii.String(entry), Timeout: awscdk.Duration_Minutes(jsii.Number(15))},
			EncryptionKey: key, Topic: topic, BatchSize: jsii.Number(20),
			MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(30)), MaxConcurrency: jsii.Number(10),
		},
	})
	dlq := awssqs.NewQueue(stack, jsii.String("InDLQ"), &awssqs.QueueProps{RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)), EnforceSSL: jsii.Bool(true), Encryption: awssqs.QueueEncryption_SQS_MANAGED})
	in := awssqs.NewQueue(stack, jsii.String("In"), &awssqs.QueueProps{RetentionPeriod: awscdk.Duration_Days(jsii.Number(4)), EnforceSSL: jsii.Bool(true), Encryption: awssqs.QueueEncryption_SQS_MANAGED,
		DeadLetterQueue: &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(5)}})
	svc.AddQueueConsumer(jsii.String("Incoming"), &service.QueueConsumerProps{Queue: in})
	svc.AddStreamConsumer(jsii.String("Clicks"), &service.StreamConsumerProps{
		Stream: awskinesis.NewStream(stack, jsii.String("Clicks"), &awskinesis.StreamProps{Encryption: awskinesis.StreamEncryption_MANAGED})})
	table := awsdynamodb.NewTable(stack, jsii.String("Orders"), &awsdynamodb.TableProps{
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		Stream:                           awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)},
		RemovalPolicy:                    awscdk.RemovalPolicy_DESTROY,
	})
	svc.AddStreamConsumer(jsii.String("Changes"), &service.StreamConsumerProps{Table: table})
	cdktest.Compliance(t, stack)
}
