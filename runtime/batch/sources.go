package batch

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// SQS returns a handler for SQS batches that runs fn per message and reports
// failed messages by message id. Messages of a FIFO queue's message group
// run in order; other messages run concurrently.
func SQS(fn func(ctx context.Context, msg events.SQSMessage) error, opts ...Option) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	o := buildOptions(opts)
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		recs := make([]record, len(ev.Records))
		for i, m := range ev.Records {
			recs[i] = record{id: m.MessageId, group: m.Attributes["MessageGroupId"]}
		}
		ids, err := run(ctx, "sqs", recs, func(ctx context.Context, i int) error { return fn(ctx, ev.Records[i]) }, o)
		resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
		for _, id := range ids {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
		return resp, err
	}
}

// shard is the group of every stream record: a batch comes from one shard.
const shard = "shard"

// Kinesis returns a handler for Kinesis batches that runs fn per record, in
// order, and reports the failed record and those after it by sequence number.
func Kinesis(fn func(ctx context.Context, rec events.KinesisEventRecord) error, opts ...Option) func(context.Context, events.KinesisEvent) (events.KinesisEventResponse, error) {
	o := buildOptions(opts)
	return func(ctx context.Context, ev events.KinesisEvent) (events.KinesisEventResponse, error) {
		recs := make([]record, len(ev.Records))
		for i, r := range ev.Records {
			recs[i] = record{id: r.Kinesis.SequenceNumber, group: shard}
		}
		ids, err := run(ctx, "kinesis", recs, func(ctx context.Context, i int) error { return fn(ctx, ev.Records[i]) }, o)
		resp := events.KinesisEventResponse{BatchItemFailures: []events.KinesisBatchItemFailure{}}
		for _, id := range ids {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.KinesisBatchItemFailure{ItemIdentifier: id})
		}
		return resp, err
	}
}

// DynamoDB returns a handler for DynamoDB Streams batches that runs fn per
// record, in order, and reports the failed record and those after it by
// sequence number.
func DynamoDB(fn func(ctx context.Context, rec events.DynamoDBEventRecord) error, opts ...Option) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	o := buildOptions(opts)
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		recs := make([]record, len(ev.Records))
		for i, r := range ev.Records {
			recs[i] = record{id: r.Change.SequenceNumber, group: shard}
		}
		ids, err := run(ctx, "dynamodb", recs, func(ctx context.Context, i int) error { return fn(ctx, ev.Records[i]) }, o)
		resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
		for _, id := range ids {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: id})
		}
		return resp, err
	}
}
