package batch

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// SQS returns a handler for SQS batches that runs fn per message and reports
// failed messages by message id. Messages of a FIFO queue's message group
// run in order; other messages run concurrently.
func SQS(fn func(ctx context.Context, msg events.SQSMessage) error, opts ...Option) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	h := handler("sqs", fn, buildOptions(opts),
		func(m events.SQSMessage) record {
			return record{id: m.MessageId, group: m.Attributes["MessageGroupId"]}
		},
		func(id string) events.SQSBatchItemFailure { return events.SQSBatchItemFailure{ItemIdentifier: id} })
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		failures, err := h(ctx, ev.Records)
		return events.SQSEventResponse{BatchItemFailures: failures}, err
	}
}

// shard is the group of every stream record: a batch comes from one shard.
const shard = "shard"

// Kinesis returns a handler for Kinesis batches that runs fn per record, in
// order, and reports the failed record and those after it by sequence number.
func Kinesis(fn func(ctx context.Context, rec events.KinesisEventRecord) error, opts ...Option) func(context.Context, events.KinesisEvent) (events.KinesisEventResponse, error) {
	h := handler("kinesis", fn, buildOptions(opts),
		func(r events.KinesisEventRecord) record { return record{id: r.Kinesis.SequenceNumber, group: shard} },
		func(id string) events.KinesisBatchItemFailure {
			return events.KinesisBatchItemFailure{ItemIdentifier: id}
		})
	return func(ctx context.Context, ev events.KinesisEvent) (events.KinesisEventResponse, error) {
		failures, err := h(ctx, ev.Records)
		return events.KinesisEventResponse{BatchItemFailures: failures}, err
	}
}

// DynamoDB returns a handler for DynamoDB Streams batches that runs fn per
// record, in order, and reports the failed record and those after it by
// sequence number.
func DynamoDB(fn func(ctx context.Context, rec events.DynamoDBEventRecord) error, opts ...Option) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	h := handler("dynamodb", fn, buildOptions(opts),
		func(r events.DynamoDBEventRecord) record { return record{id: r.Change.SequenceNumber, group: shard} },
		func(id string) events.DynamoDBBatchItemFailure {
			return events.DynamoDBBatchItemFailure{ItemIdentifier: id}
		})
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		failures, err := h(ctx, ev.Records)
		return events.DynamoDBEventResponse{BatchItemFailures: failures}, err
	}
}

// handler adapts run to one event source: describe says how to identify and
// group its records, failure builds its response item.
func handler[R, F any](source string, fn func(context.Context, R) error, o options, describe func(R) record, failure func(string) F) func(context.Context, []R) ([]F, error) {
	return func(ctx context.Context, items []R) ([]F, error) {
		recs := make([]record, len(items))
		for i, it := range items {
			recs[i] = describe(it)
		}
		ids, err := run(ctx, source, recs, func(ctx context.Context, i int) error { return fn(ctx, items[i]) }, o)
		out := make([]F, 0, len(ids)) // never nil: the response says [] rather than null
		for _, id := range ids {
			out = append(out, failure(id))
		}
		return out, err
	}
}
