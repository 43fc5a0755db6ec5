package service

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/internal/token"
)

// Lambda's limits on a stream event source mapping.
const (
	streamMaxBatch          = 10000
	maxParallelization      = 10
	maxStreamRetries        = 10000
	minRecordAgeSec         = 60
	maxRecordAgeSec         = 7 * 24 * 3600
	maxConsumerIDLen        = 64
	lambdaDefaultTimeoutSec = 3
	sqsDefaultVisibilitySec = 30
	consumerIDCharsetRule   = "letters, digits, '_' and '-'"
)

// checkConsumer refuses what every consumer needs: an id (unique in the
// service; it names the alarms) and props.
func checkConsumer(c *propcheck.Collector, s *Service, id *string, hasProps bool) {
	switch {
	case id == nil || *id == "":
		c.Add("id", id, "pass a short name for the consumer, e.g. jsii.String(\"Orders\"): it names the mapping and its alarms")
	case !validConsumerID(*id):
		c.Add("id", id, "use 1-%d %s: it is part of the consumer's alarm names", maxConsumerIDLen, consumerIDCharsetRule)
	case s.Node().TryFindChild(consumerID(id)) != nil:
		c.Add("id", id, "use another id: this service already has a consumer (or part) named %s", *consumerID(id))
	}
	if !hasProps {
		c.Add("props", propcheck.Literal("nil"), "pass the consumer's props with its source set")
	}
}

func validConsumerID(id string) bool {
	if len(id) > maxConsumerIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func checkQueueConsumer(c *propcheck.Collector, s *Service, p *QueueConsumerProps) {
	if p.Queue == nil {
		c.Add("Queue", propcheck.Literal("unset"), "set it to the awssqs.IQueue to consume")
		return
	}
	fifo := p.Queue.Fifo() != nil && *p.Queue.Fifo()
	checkSQSMapping(c, "", p.BatchSize, p.MaxBatchingWindow, p.MaxConcurrency, fifo)
	timeout := float64(lambdaDefaultTimeoutSec)
	if t := s.Function.Timeout(); t != nil {
		timeout = seconds(t)
	}
	if visibility, known := queueVisibility(p.Queue); known && visibility < timeout {
		c.Add("Queue", propcheck.Literal(fmt.Sprintf("%s, whose visibility timeout (%g s) is below the function's timeout (%g s)", *p.Queue.Node().Path(), visibility, timeout)),
			"give the queue a VisibilityTimeout of at least the function's timeout (AWS advises six times it): Lambda refuses the mapping otherwise")
	}
}

// queueVisibility is the visibility timeout of a queue created in this app
// (SQS's 30-second default when unset); known is false for an imported queue.
func queueVisibility(q awssqs.IQueue) (secs float64, known bool) {
	created, ok := q.(awssqs.Queue)
	if !ok {
		return 0, false
	}
	cfn, ok := created.Node().DefaultChild().(awssqs.CfnQueue)
	if !ok {
		return 0, false
	}
	switch v := cfn.VisibilityTimeout(); {
	case v == nil:
		return sqsDefaultVisibilitySec, true
	case token.Unresolved(v):
		return 0, false
	default:
		return *v, true
	}
}

func checkStreamConsumer(c *propcheck.Collector, p *StreamConsumerProps) {
	switch {
	case p.Stream == nil && p.Table == nil:
		c.Add("Stream/Table", propcheck.Literal("both unset"), "set Stream to a Kinesis data stream, or Table to a DynamoDB table with a stream")
	case p.Stream != nil && p.Table != nil:
		c.Add("Stream/Table", propcheck.Literal("both set"), "set one of them: a consumer reads one stream; add a second consumer for the other")
	case p.Table != nil && p.Table.TableStreamArn() == nil:
		c.Add("Table", propcheck.Literal(*p.Table.Node().Path()+", which has no stream"),
			"create the table with Stream (e.g. awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES), or import it with TableStreamArn")
	}
	if sp := p.StartingPosition; sp != "" && sp != awslambda.StartingPosition_TRIM_HORIZON && sp != awslambda.StartingPosition_LATEST {
		c.Add("StartingPosition", propcheck.Literal(string(sp)), "use TRIM_HORIZON or LATEST")
	}
	checkWhole(c, "BatchSize", p.BatchSize, 1, streamMaxBatch, "use a whole number from 1 to 10000 (Lambda's limit for streams)")
	if w := p.MaxBatchingWindow; w != nil && (seconds(w) < 0 || seconds(w) > maxBatchingWindowSec) {
		c.Add("MaxBatchingWindow", w, "use 0 to 5 minutes, Lambda's limit")
	}
	checkWhole(c, "ParallelizationFactor", p.ParallelizationFactor, 1, maxParallelization, "use a whole number from 1 to 10")
	checkWhole(c, "RetryAttempts", p.RetryAttempts, 0, maxStreamRetries,
		"use a whole number from 0 to 10000; failed batches then go to OnFailure (unbounded retries would block the shard)")
	if a := p.MaxRecordAge; a != nil && (seconds(a) < minRecordAgeSec || seconds(a) > maxRecordAgeSec) {
		c.Add("MaxRecordAge", a, "use 60 seconds to 7 days (Lambda's limits), or leave it unset to keep records until they expire")
	}
	if p.OnFailure != nil && p.OnFailure.Fifo() != nil && *p.OnFailure.Fifo() {
		c.Add("OnFailure", propcheck.Literal("a FIFO queue"), "use a standard queue: Lambda cannot send on-failure records to a FIFO queue")
	}
}
