package docs_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

// Example_jobs is the jobs snippet of constructs.md (section service, Jobs),
// compiled, not run.
func Example_jobs() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)

	svc := service.New(stack, jsii.String("reports"), &service.Props{
		Function:      &gofunction.Props{Entry: jsii.String("services/reports/api")},
		DynamoDBCache: &cachetier.DynamoDBProps{},
		HTTP:          &frontdoor.Props{Kind: frontdoor.KindHTTPAPI},
		Jobs: &service.JobsProps{
			Worker:      &gofunction.Props{Entry: jsii.String("services/reports/worker"), Timeout: awscdk.Duration_Minutes(jsii.Number(10))},
			MaxAttempts: jsii.Number(3),
			Topic:       awssns.NewTopic(stack, jsii.String("ReportsDone"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)}),
		},
	})
	_ = svc.Jobs.Queue // also DeadLetterQueue, Worker, WorkerAlias, Mapping, VisibilityTimeout

	app.Synth(nil)
}

// Example_consumers is the consumers snippet of constructs.md (section
// service, Queue and stream consumers), compiled, not run.
func Example_consumers() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	incoming := awssqs.NewQueue(stack, jsii.String("Incoming"), &awssqs.QueueProps{
		EnforceSSL: jsii.Bool(true), VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(30)),
	})
	table := awsdynamodb.NewTable(stack, jsii.String("Orders"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		Stream:       awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
	})

	orders := service.New(stack, jsii.String("orders"), &service.Props{
		Function: &gofunction.Props{Entry: jsii.String("services/orders")},
	})
	orders.AddQueueConsumer(jsii.String("Incoming"), &service.QueueConsumerProps{
		Queue:             incoming, // an awssqs.IQueue
		BatchSize:         jsii.Number(100),
		MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(5)),
		MaxConcurrency:    jsii.Number(20),
	})
	orders.AddStreamConsumer(jsii.String("Changes"), &service.StreamConsumerProps{
		Table:                 table, // an awsdynamodb.ITable with a stream
		ParallelizationFactor: jsii.Number(2),
		MaxRecordAge:          awscdk.Duration_Hours(jsii.Number(1)),
	})

	app.Synth(nil)
}
