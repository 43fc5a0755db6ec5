package local

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestServeRouterFeedsQueues: the background router of lift local up feeds a
// queue whose event source mapping targets the function's live alias (moto
// names the alias's version as the mapping's function) to the function's
// emulator, here a stand-in that records the events, and the delivered
// message is deleted.
func TestServeRouterFeedsQueues(t *testing.T) {
	m := testsvc.Moto(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	delivered := make(chan events.SQSEvent, 10)
	emulator := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev events.SQSEvent
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &ev); err == nil && len(ev.Records) > 0 {
			delivered <- ev
		}
		_, _ = io.WriteString(w, `{"batchItemFailures":[]}`)
	}))
	defer emulator.Close()

	cfg := m.AWSConfig(t)
	lc, sq := lambda.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	fn := m.LambdaFunction(t, "worker")
	v, err := lc.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: fn.FunctionName})
	if err != nil {
		t.Fatal(err)
	}
	alias, err := lc.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: fn.FunctionName, Name: aws.String(AliasName), FunctionVersion: v.Version})
	if err != nil {
		t.Fatal(err)
	}
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lc.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{FunctionName: alias.AliasArn,
		EventSourceArn: aws.String(attrs.Attributes["QueueArn"]), FunctionResponseTypes: []lambdatypes.FunctionResponseType{lambdatypes.FunctionResponseTypeReportBatchItemFailures}}); err != nil {
		t.Fatal(err)
	}

	app := t.TempDir()
	if err := os.MkdirAll(filepath.Join(app, Dir), 0o700); err != nil {
		t.Fatal(err)
	}
	s := &State{App: app, AWS: m.URL, Funcs: []Function{{Service: "reports", Name: "worker", ARN: *fn.FunctionArn, Alias: *alias.AliasArn, URL: emulator.URL}}}
	if err := s.save(); err != nil {
		t.Fatal(err)
	}
	addr, err := localsvc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- ServeRouter(ctx, app, addr) }()
	if _, err := sq.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(`{"month":"2026-12"}`)}); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-delivered:
		if len(ev.Records) != 1 || ev.Records[0].Body != `{"month":"2026-12"}` || ev.Records[0].EventSource != "aws:sqs" {
			t.Fatalf("the function got %+v", ev)
		}
	case err := <-served:
		t.Fatalf("the router ended: %v", err)
	case <-ctx.Done():
		t.Fatal("no delivery within a minute")
	}
	for { // deleted once the function answered
		out, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Attributes["ApproximateNumberOfMessages"] == "0" && out.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
