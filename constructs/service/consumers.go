package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/nag"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// QueueConsumerProps make the service's function consume an SQS queue
// (runtime/batch.SQS). ReportBatchItemFailures is always on: only the
// records the handler reports failed are retried.
type QueueConsumerProps struct {
	// Queue is the queue to consume. Required. Its visibility timeout must
	// be at least the function's timeout (AWS advises six times it).
	Queue awssqs.IQueue
	// DeadLetterQueue is Queue's dead-letter queue, watched by the
	// DeadLetters alarm. Default: the dead-letter queue Queue was created
	// with in this app, if any.
	DeadLetterQueue awssqs.IQueue
	// BatchSize is the most records one invocation receives: 1 to 10, or up
	// to 10000 on a standard queue with MaxBatchingWindow. Default: 10.
	BatchSize *float64
	// MaxBatchingWindow is how long Lambda gathers records before invoking:
	// 0 to 5 minutes; not for FIFO queues. Default: none.
	MaxBatchingWindow awscdk.Duration
	// MaxConcurrency caps the invocations this queue drives at once: 2 to
	// 1000. Default: no cap.
	MaxConcurrency *float64
}

// StreamConsumerProps make the service's function consume a Kinesis data
// stream or a DynamoDB table's stream (runtime/batch.Kinesis,
// runtime/batch.DynamoDB). ReportBatchItemFailures is always on: a failed
// record is retried from its position on, and earlier ones are not.
type StreamConsumerProps struct {
	// Stream is a Kinesis data stream; Table a DynamoDB table with a stream
	// (TableProps.Stream). Set exactly one.
	Stream awskinesis.IStream
	Table  awsdynamodb.ITable
	// StartingPosition is where a new mapping starts reading: TRIM_HORIZON
	// (the oldest record kept) or LATEST. Default: TRIM_HORIZON, so records
	// written before the deployment are not skipped.
	StartingPosition awslambda.StartingPosition
	// BatchSize is the most records one invocation receives: 1 to 10000.
	// Default: 100 (Lambda's).
	BatchSize *float64
	// MaxBatchingWindow: 0 to 5 minutes. Default: none.
	MaxBatchingWindow awscdk.Duration
	// ParallelizationFactor is how many batches of one shard run at once
	// (records of one partition key stay in order): 1 to 10. Default: 1.
	ParallelizationFactor *float64
	// RetryAttempts is how often a failing batch is retried before it goes
	// to OnFailure: 0 to 10000. Default: 3 (Lambda's default retries until
	// the record expires, blocking its shard meanwhile).
	RetryAttempts *float64
	// MaxRecordAge drops older records to OnFailure: 60 seconds to 7 days.
	// Default: none (records are kept until they expire from the stream).
	MaxRecordAge awscdk.Duration
	// BisectBatchOnError splits a failing batch in two to isolate a bad
	// record. Default: false (ReportBatchItemFailures already names it).
	BisectBatchOnError *bool
	// OnFailure receives a description of every batch given up on (shard,
	// sequence numbers; not the records). Default: a new queue encrypted
	// with SSE-SQS, TLS enforced, 14 days' retention, watched by the
	// DeadLetters alarm: nothing is dropped silently.
	OnFailure awssqs.IQueue
}

// Consumer is what AddQueueConsumer or AddStreamConsumer created.
type Consumer struct {
	// Mapping is the event source mapping on the service's "live" alias.
	Mapping awslambda.EventSourceMapping
	// DeadLetterQueue is the queue's dead-letter queue, or the stream's
	// on-failure destination; nil when a queue has none known.
	DeadLetterQueue awssqs.IQueue
}

// Stream consumer defaults.
const (
	defaultQueueBatchSize  = 10
	defaultStreamBatchSize = 100
	defaultStreamRetries   = 3
)

// AddQueueConsumer maps queue records to the service's "live" alias and
// grants it what consuming takes (receive, delete, change visibility, and
// decrypt under the queue's key). Its alarms join the service's composite
// alarm: QueueAge-<id> and, with a dead-letter queue, DeadLetters-<id>.
// Invalid props panic at synth with an error wrapping ErrInvalidProps.
func (s *Service) AddQueueConsumer(id *string, props *QueueConsumerProps) *Consumer {
	c := propcheck.For(ErrInvalidProps, s, consumerID(id))
	checkConsumer(c, s, id, props != nil)
	if props != nil {
		checkQueueConsumer(c, s, props)
	}
	c.Check()
	out := &Consumer{DeadLetterQueue: props.DeadLetterQueue}
	if out.DeadLetterQueue == nil {
		if q, ok := props.Queue.(awssqs.Queue); ok && q.DeadLetterQueue() != nil {
			out.DeadLetterQueue = q.DeadLetterQueue().Queue
		}
	}
	batch := props.BatchSize
	if batch == nil {
		batch = jsii.Number(defaultQueueBatchSize)
	}
	scope := constructs.NewConstruct(s, consumerID(id))
	out.Mapping = awslambda.NewEventSourceMapping(scope, jsii.String("Mapping"), &awslambda.EventSourceMappingProps{
		Target: s.Alias, EventSourceArn: props.Queue.QueueArn(),
		BatchSize: batch, MaxBatchingWindow: props.MaxBatchingWindow, MaxConcurrency: props.MaxConcurrency,
		ReportBatchItemFailures: jsii.Bool(true),
	})
	props.Queue.GrantConsumeMessages(s.Alias)
	if s.Monitoring != nil {
		s.Monitoring.AddQueueConsumer(*id, props.Queue, out.DeadLetterQueue)
	}
	return out
}

// AddStreamConsumer maps a Kinesis stream's or a DynamoDB table stream's
// records to the service's "live" alias, with an on-failure destination,
// and grants it read access to the stream and send access to that
// destination. Its alarms join the service's composite alarm: IteratorAge
// (the function's, shared by its stream consumers) and DeadLetters-<id> on
// the destination. Invalid props panic at synth with an error wrapping
// ErrInvalidProps.
func (s *Service) AddStreamConsumer(id *string, props *StreamConsumerProps) *Consumer {
	c := propcheck.For(ErrInvalidProps, s, consumerID(id))
	checkConsumer(c, s, id, props != nil)
	if props != nil {
		checkStreamConsumer(c, props)
	}
	c.Check()
	scope := constructs.NewConstruct(s, consumerID(id))
	out := &Consumer{DeadLetterQueue: props.OnFailure}
	if out.DeadLetterQueue == nil {
		onFailure := awssqs.NewQueue(scope, jsii.String("OnFailure"), &awssqs.QueueProps{
			Encryption: awssqs.QueueEncryption_SQS_MANAGED, EnforceSSL: jsii.Bool(true),
			RetentionPeriod: awscdk.Duration_Days(jsii.Number(deadLetterRetentionDays)),
		})
		nag.Suppress(onFailure, nag.Rule{ID: "AwsSolutions-SQS3", Reason: "This queue is the dead-letter destination of a stream " +
			"event source mapping (Lambda sends it the batches given up on); it needs no dead-letter queue of its own and " +
			"is watched by the consumer's DeadLetters alarm."})
		out.DeadLetterQueue = onFailure
	}
	var source *string
	var listStreams awsiam.Policy
	if props.Stream != nil {
		source = props.Stream.StreamArn()
		props.Stream.GrantRead(s.Alias)
	} else {
		source = props.Table.TableStreamArn()
		listStreams = grantTableStreamRead(scope, s.Function, source)
	}
	opts := &awslambda.EventSourceMappingProps{
		Target: s.Alias, EventSourceArn: source,
		StartingPosition: props.StartingPosition, BatchSize: props.BatchSize, MaxBatchingWindow: props.MaxBatchingWindow,
		ParallelizationFactor: props.ParallelizationFactor, RetryAttempts: props.RetryAttempts,
		MaxRecordAge: props.MaxRecordAge, BisectBatchOnError: props.BisectBatchOnError,
		OnFailure:               awslambdaeventsources.NewSqsDlq(out.DeadLetterQueue),
		ReportBatchItemFailures: jsii.Bool(true),
	}
	if opts.StartingPosition == "" {
		opts.StartingPosition = awslambda.StartingPosition_TRIM_HORIZON
	}
	if opts.BatchSize == nil {
		opts.BatchSize = jsii.Number(defaultStreamBatchSize)
	}
	if opts.RetryAttempts == nil {
		opts.RetryAttempts = jsii.Number(defaultStreamRetries)
	}
	out.Mapping = awslambda.NewEventSourceMapping(scope, jsii.String("Mapping"), opts) // SqsDlq grants sending to it
	if listStreams != nil {
		out.Mapping.Node().AddDependency(listStreams) // Lambda checks the role when it creates the mapping
	}
	if s.Monitoring != nil {
		s.Monitoring.AddStreamConsumer(*id, s.Alias, out.DeadLetterQueue)
	}
	return out
}

// consumerID is the construct id of a consumer's scope: "Consumer" + id,
// beside the service's other parts.
func consumerID(id *string) *string {
	if id == nil {
		return jsii.String("Consumer")
	}
	return jsii.String("Consumer" + *id)
}

// grantTableStreamRead grants what Lambda reads a DynamoDB stream with: the
// stream actions on the stream, and dynamodb:ListStreams, which has no
// resource-level permissions, in a policy of its own that carries the one
// cdk-nag suppression (so it covers no other statement of the role).
func grantTableStreamRead(scope constructs.Construct, fn awslambda.Function, streamArn *string) awsiam.Policy {
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
		Resources: &[]*string{streamArn},
	}))
	policy := awsiam.NewPolicy(scope, jsii.String("ListStreams"), &awsiam.PolicyProps{
		Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("dynamodb:ListStreams"), Resources: jsii.Strings("*"),
		})},
		Roles: &[]awsiam.IRole{fn.Role()},
	})
	nag.Suppress(policy, nag.Rule{ID: "AwsSolutions-IAM5", AppliesTo: []string{"Resource::*"},
		Reason: "dynamodb:ListStreams has no resource-level permissions; Lambda's DynamoDB Streams event source needs it."})
	return policy
}
