package localsvc

import (
	"context"
	"crypto/md5" //nolint:gosec // SQS's md5OfBody is MD5 by definition, not a security use
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// QueueFeederOptions configures a QueueFeeder.
type QueueFeederOptions struct {
	// AWS reaches moto: Lambda's ListEventSourceMappings and the queues.
	AWS aws.Config
	// Lambda is the local Lambda endpoint that runs the functions (a
	// LambdaRouter's URL).
	Lambda string
	// Log gets one line per delivery (function, queue, messages, failures)
	// and per problem. Default: discarded.
	Log *slog.Logger
	// Refresh is how often the mappings are listed again. Default 2s.
	Refresh time.Duration
	// Wait is each ReceiveMessage's long poll. Default 1s.
	Wait time.Duration
	// MaxBackoff bounds the wait after failed calls to moto or the endpoint,
	// which doubles from 100ms. Default 5s.
	MaxBackoff time.Duration
	// Mappings, when set, are the mappings fed, instead of those moto lists
	// (for a tool that runs the functions without creating them in moto).
	Mappings []QueueMapping
}

// QueueMapping is an SQS event source mapping given to the feeder.
type QueueMapping struct {
	// Function is what the feeder invokes on the local Lambda endpoint.
	Function string
	// QueueARN is the queue's ARN in moto.
	QueueARN string
	// BatchSize is at most how many messages one invocation gets (1 to 10).
	BatchSize int32
	// ReportBatchItemFailures: the answer's batchItemFailures are retried.
	ReportBatchItemFailures bool
}

// QueueFeeder does for the local cloud what Lambda's pollers do for SQS
// event source mappings, which moto keeps but does not run: for each
// enabled mapping it long-polls the queue, invokes the function through the
// local Lambda endpoint with the event Lambda would send, and deletes the
// messages that succeeded. With ReportBatchItemFailures those are the ones
// the answer's batchItemFailures does not list; a function error, a timeout
// or an answer that is not JSON deletes nothing, so the messages come back
// after the queue's visibility timeout and, past its maxReceiveCount, moto
// moves them to the dead-letter queue. One batch per mapping is in flight at
// a time, of at most 10 messages (one ReceiveMessage).
type QueueFeeder struct {
	o      QueueFeederOptions
	lambda *lambda.Client
	invoke *lambda.Client
	sqs    *sqs.Client
}

// NewQueueFeeder returns a feeder; Run runs it. Both endpoints must be
// given: a local feeder never reaches AWS itself.
func NewQueueFeeder(o QueueFeederOptions) (*QueueFeeder, error) {
	if o.Lambda == "" || o.AWS.BaseEndpoint == nil || *o.AWS.BaseEndpoint == "" {
		return nil, fmt.Errorf("queue feeder: needs the local Lambda endpoint (Lambda %q) and moto's (AWS.BaseEndpoint)", o.Lambda)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Refresh <= 0 {
		o.Refresh = 2 * time.Second
	}
	if o.Wait <= 0 {
		o.Wait = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	return &QueueFeeder{
		o:      o,
		lambda: lambda.NewFromConfig(o.AWS),
		// No SDK retry of an invocation: the function may have run.
		invoke: lambda.NewFromConfig(o.AWS, func(lo *lambda.Options) {
			lo.BaseEndpoint = aws.String(o.Lambda)
			lo.Retryer = aws.NopRetryer{}
		}),
		sqs: sqs.NewFromConfig(o.AWS),
	}, nil
}

// Run feeds the queues until ctx ends, then waits for the deliveries in
// flight (an invocation runs to its end, as in Lambda) and returns.
func (f *QueueFeeder) Run(ctx context.Context) {
	var wg sync.WaitGroup
	polling := map[string]context.CancelFunc{} // by mapping UUID
	defer func() {
		for _, stop := range polling {
			stop()
		}
		wg.Wait()
	}()
	b := backoff{max: f.o.MaxBackoff}
	for {
		mappings, err := f.mappings(ctx)
		wait := f.o.Refresh
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = b.next()
			f.o.Log.Warn("queue feeder: list event source mappings", "error", err, "retry in", wait)
		} else {
			b.reset()
			for id, stop := range polling {
				if _, ok := mappings[id]; !ok {
					stop()
					delete(polling, id)
				}
			}
			for id, m := range mappings {
				if _, ok := polling[id]; !ok {
					pctx, stop := context.WithCancel(ctx)
					polling[id] = stop
					wg.Go(func() { f.poll(pctx, m) })
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// mapping is what the feeder needs of an enabled SQS event source mapping.
type mapping struct {
	function, queueARN string
	batchSize          int32
	reportFailures     bool
}

// mappings lists the enabled SQS mappings by UUID (the given ones by index).
func (f *QueueFeeder) mappings(ctx context.Context) (map[string]mapping, error) {
	out := map[string]mapping{}
	if f.o.Mappings != nil {
		for i, m := range f.o.Mappings {
			out[strconv.Itoa(i)] = mapping{function: m.Function, queueARN: m.QueueARN,
				batchSize: min(max(m.BatchSize, 1), 10), reportFailures: m.ReportBatchItemFailures}
		}
		return out, nil
	}
	p := lambda.NewListEventSourceMappingsPaginator(f.lambda, &lambda.ListEventSourceMappingsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range page.EventSourceMappings {
			a, err := arn.Parse(aws.ToString(m.EventSourceArn))
			if err != nil || a.Service != "sqs" || aws.ToString(m.State) != "Enabled" || m.UUID == nil {
				continue
			}
			out[*m.UUID] = mapping{
				function:       aws.ToString(m.FunctionArn),
				queueARN:       a.String(),
				batchSize:      min(max(aws.ToInt32(m.BatchSize), 1), 10),
				reportFailures: hasResponseType(m.FunctionResponseTypes, lambdatypes.FunctionResponseTypeReportBatchItemFailures),
			}
		}
	}
	return out, nil
}

func hasResponseType(ts []lambdatypes.FunctionResponseType, want lambdatypes.FunctionResponseType) bool {
	for _, t := range ts {
		if t == want {
			return true
		}
	}
	return false
}

// poll delivers m's queue to its function until ctx ends. A function the
// endpoint does not serve (not a Lift function, so not under the emulator)
// has its queue left alone, rather than its messages received and failed
// into the dead-letter queue.
func (f *QueueFeeder) poll(ctx context.Context, m mapping) {
	b := backoff{max: f.o.MaxBackoff}
	for ctx.Err() == nil {
		_, err := f.invoke.Invoke(ctx, &lambda.InvokeInput{FunctionName: &m.function, InvocationType: lambdatypes.InvocationTypeDryRun})
		var missing *lambdatypes.ResourceNotFoundException
		if errors.As(err, &missing) {
			f.o.Log.Warn("queue feeder: the function is not served locally; its queue is not fed", "function", m.function, "queue", m.queueARN)
			return
		}
		if err == nil {
			break
		}
		wait := b.next()
		f.o.Log.Warn("queue feeder: check the function", "function", m.function, "error", err, "retry in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	b.reset()
	var queueURL string
	for ctx.Err() == nil {
		err := func() error {
			if queueURL == "" {
				u, err := f.queueURL(ctx, m.queueARN)
				if err != nil {
					return err
				}
				queueURL = u
			}
			return f.deliver(ctx, m, queueURL)
		}()
		switch {
		case err == nil:
			b.reset()
		case ctx.Err() != nil:
			return
		default:
			wait := b.next()
			f.o.Log.Warn("queue feeder: delivery failed", "function", m.function, "queue", m.queueARN, "error", err, "retry in", wait)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
}

func (f *QueueFeeder) queueURL(ctx context.Context, queueARN string) (string, error) {
	a, err := arn.Parse(queueARN)
	if err != nil {
		return "", err
	}
	out, err := f.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: &a.Resource, QueueOwnerAWSAccountId: &a.AccountID})
	if err != nil {
		return "", fmt.Errorf("queue %s: %w", queueARN, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

// deliver runs one receive, invocation and delete. An empty receive is not
// an error; a failed call to moto or the endpoint is (the caller backs off).
func (f *QueueFeeder) deliver(ctx context.Context, m mapping, queueURL string) error {
	started := time.Now()
	got, err := f.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    &queueURL,
		MaxNumberOfMessages:         m.batchSize,
		WaitTimeSeconds:             int32(max(f.o.Wait/time.Second, 1)),
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return fmt.Errorf("receive: %w", err)
	}
	if len(got.Messages) == 0 {
		// A server that answers at once though asked to wait must not make
		// an empty queue a busy loop.
		select {
		case <-ctx.Done():
		case <-time.After(f.o.Wait - time.Since(started)):
		}
		return nil
	}
	ev := sqsEvent(got.Messages, m.queueARN, f.o.AWS.Region)
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	// The invocation runs to its end even when the feeder stops, as Lambda's does.
	out, err := f.invoke.Invoke(context.WithoutCancel(ctx), &lambda.InvokeInput{FunctionName: &m.function, Payload: payload})
	if err != nil {
		return fmt.Errorf("invoke with %d messages (they come back after the visibility timeout): %w", len(ev.Records), err)
	}
	done, why := succeeded(ev, out, m.reportFailures)
	if err := f.delete(context.WithoutCancel(ctx), queueURL, ev, done); err != nil {
		return err
	}
	f.o.Log.Info("queue feeder: delivered", "function", m.function, "queue", m.queueARN,
		"messages", len(ev.Records), "failed", len(ev.Records)-len(done), "why", why, "took", time.Since(started).Round(time.Millisecond))
	return nil
}

// succeeded returns the ids of the messages Lambda would delete after this
// answer, and why the others are not ("" when all are).
func succeeded(ev events.SQSEvent, out *lambda.InvokeOutput, reportFailures bool) (map[string]bool, string) {
	if out.FunctionError != nil {
		return nil, "function error: " + truncate(string(out.Payload), 200)
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(out.Payload, &resp); err != nil && reportFailures {
		// RIE answers a timeout with plain text and status 200.
		return nil, "answer is not a batch response: " + truncate(string(out.Payload), 200)
	}
	done := map[string]bool{}
	for _, r := range ev.Records {
		done[r.MessageId] = true
	}
	if !reportFailures {
		return done, ""
	}
	for _, fail := range resp.BatchItemFailures {
		if !done[fail.ItemIdentifier] {
			// Lambda fails the whole batch for an empty or unknown identifier.
			return nil, fmt.Sprintf("batchItemFailures names %q, which is not in the batch", fail.ItemIdentifier)
		}
		delete(done, fail.ItemIdentifier)
	}
	if len(done) < len(ev.Records) {
		return done, "reported in batchItemFailures"
	}
	return done, ""
}

func (f *QueueFeeder) delete(ctx context.Context, queueURL string, ev events.SQSEvent, done map[string]bool) error {
	var entries []sqstypes.DeleteMessageBatchRequestEntry
	for _, r := range ev.Records {
		if done[r.MessageId] {
			entries = append(entries, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(r.MessageId), ReceiptHandle: aws.String(r.ReceiptHandle)})
		}
	}
	if len(entries) == 0 {
		return nil
	}
	out, err := f.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &queueURL, Entries: entries})
	if err == nil && len(out.Failed) > 0 {
		err = fmt.Errorf("%d not deleted: %s", len(out.Failed), aws.ToString(out.Failed[0].Message))
	}
	if err != nil {
		return fmt.Errorf("delete the processed messages (they will be delivered again): %w", err)
	}
	return nil
}

// sqsEvent is the event Lambda sends a function for messages received from
// the queue queueARN in region.
func sqsEvent(msgs []sqstypes.Message, queueARN, region string) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, 0, len(msgs))}
	for _, m := range msgs {
		body := aws.ToString(m.Body)
		sum := md5.Sum([]byte(body)) //nolint:gosec // see the import
		r := events.SQSMessage{
			MessageId:              aws.ToString(m.MessageId),
			ReceiptHandle:          aws.ToString(m.ReceiptHandle),
			Body:                   body,
			Md5OfBody:              hex.EncodeToString(sum[:]),
			Md5OfMessageAttributes: aws.ToString(m.MD5OfMessageAttributes),
			Attributes:             m.Attributes,
			MessageAttributes:      map[string]events.SQSMessageAttribute{},
			EventSource:            "aws:sqs",
			EventSourceARN:         queueARN,
			AWSRegion:              region,
		}
		if r.Attributes == nil {
			r.Attributes = map[string]string{}
		}
		for name, a := range m.MessageAttributes {
			r.MessageAttributes[name] = events.SQSMessageAttribute{
				StringValue: a.StringValue, BinaryValue: a.BinaryValue,
				StringListValues: a.StringListValues, BinaryListValues: a.BinaryListValues,
				DataType: aws.ToString(a.DataType),
			}
		}
		ev.Records = append(ev.Records, r)
	}
	return ev
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// backoff doubles a wait from 100ms up to max.
type backoff struct{ cur, max time.Duration }

func (b *backoff) next() time.Duration {
	b.cur = min(max(2*b.cur, 100*time.Millisecond), b.max)
	return b.cur
}

func (b *backoff) reset() { b.cur = 0 }
