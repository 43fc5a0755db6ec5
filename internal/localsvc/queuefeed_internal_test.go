package localsvc

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestSQSEventIsLambdas(t *testing.T) {
	ev := sqsEvent([]sqstypes.Message{{
		MessageId: aws.String("m1"), ReceiptHandle: aws.String("rh"), Body: aws.String("test"),
		MD5OfMessageAttributes: aws.String("abc"),
		Attributes:             map[string]string{"ApproximateReceiveCount": "2"},
		MessageAttributes:      map[string]sqstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("report")}},
	}}, "arn:aws:sqs:us-east-1:123456789012:jobs", "us-east-1")
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	// The shape of Lambda's documented SQS event (md5 of "test" included).
	want := `{"Records":[{"messageId":"m1","receiptHandle":"rh","body":"test","md5OfBody":"098f6bcd4621d373cade4e832627b4f6",` +
		`"md5OfMessageAttributes":"abc","attributes":{"ApproximateReceiveCount":"2"},` +
		`"messageAttributes":{"kind":{"stringValue":"report","stringListValues":null,"binaryListValues":null,"dataType":"String"}},` +
		`"eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:jobs","eventSource":"aws:sqs","awsRegion":"us-east-1"}]}`
	if string(b) != want {
		t.Fatalf("event\n got %s\nwant %s", b, want)
	}
}

func TestSucceededFollowsLambda(t *testing.T) {
	ev := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "a"}, {MessageId: "b"}}}
	for _, tt := range []struct {
		name    string
		out     lambda.InvokeOutput
		report  bool
		deleted string
	}{
		{"success", lambda.InvokeOutput{Payload: []byte(`null`)}, false, "ab"},
		{"success, any answer", lambda.InvokeOutput{Payload: []byte(`"done"`)}, false, "ab"},
		{"function error", lambda.InvokeOutput{FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"x"}`)}, true, ""},
		{"function error without reporting", lambda.InvokeOutput{FunctionError: aws.String("Unhandled")}, false, ""},
		{"timeout (RIE's plain text)", lambda.InvokeOutput{Payload: []byte(`Task timed out after 5.00 seconds`)}, true, ""},
		{"partial failure", lambda.InvokeOutput{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"b"}]}`)}, true, "a"},
		{"no failures", lambda.InvokeOutput{Payload: []byte(`{"batchItemFailures":[]}`)}, true, "ab"},
		{"empty answer", lambda.InvokeOutput{Payload: []byte(`null`)}, true, "ab"},
		{"unknown identifier fails the batch", lambda.InvokeOutput{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"zz"}]}`)}, true, ""},
		{"empty identifier fails the batch", lambda.InvokeOutput{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":""}]}`)}, true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done, why := succeeded(ev, &tt.out, tt.report)
			got := ""
			for _, r := range ev.Records {
				if done[r.MessageId] {
					got += r.MessageId
				}
			}
			if got != tt.deleted || (got != "ab") != (why != "") {
				t.Fatalf("deletes %q (why %q), want %q", got, why, tt.deleted)
			}
		})
	}
}

// A feeder facing a failing or empty endpoint waits between calls instead
// of spinning: in 1.5s it makes a handful of calls, not thousands.
func TestQueueFeederDoesNotSpin(t *testing.T) {
	mapping := `{"EventSourceMappings":[{"UUID":"u1","EventSourceArn":"arn:aws:sqs:us-east-1:123456789012:jobs",` +
		`"FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:worker","State":"Enabled","BatchSize":10}]}`
	for _, tt := range []struct {
		name  string
		serve func(target string) (int, string) // by X-Amz-Target ("" for Lambda's REST API)
		max   int64
	}{
		{"moto down", func(string) (int, string) { return http.StatusInternalServerError, `{}` }, 30},
		{"queue unreachable", func(target string) (int, string) {
			if target == "" {
				return http.StatusOK, mapping
			}
			return http.StatusInternalServerError, `{"__type":"InternalError"}`
		}, 30},
		{"queue empty, answered at once", func(target string) (int, string) {
			switch {
			case target == "":
				return http.StatusOK, mapping
			case strings.HasSuffix(target, "GetQueueUrl"):
				return http.StatusOK, `{"QueueUrl":"http://127.0.0.1/123456789012/jobs"}`
			}
			return http.StatusOK, `{}`
		}, 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				calls.Add(1)
				status, body := tt.serve(r.Header.Get("X-Amz-Target"))
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				w.WriteHeader(status)
				_, _ = io.WriteString(w, body)
			}))
			defer srv.Close()
			cfg := AWSConfigAt(srv.URL)
			f, err := NewQueueFeeder(QueueFeederOptions{AWS: cfg, Lambda: srv.URL, Refresh: time.Second, MaxBackoff: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			defer cancel()
			f.Run(ctx)
			if n := calls.Load(); n == 0 || n > tt.max {
				t.Fatalf("%d calls in 1.5s, want 1 to %d", n, tt.max)
			}
		})
	}
}

// A mapping to a function the local endpoint does not serve is left alone
// (said once), so its messages are not received and failed into the DLQ.
func TestQueueFeederLeavesUnservedFunctionsAlone(t *testing.T) {
	var sqsCalls atomic.Int64
	moto := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "" {
			sqsCalls.Add(1)
		}
		_, _ = io.WriteString(w, `{"EventSourceMappings":[{"UUID":"u1","EventSourceArn":"arn:aws:sqs:us-east-1:123456789012:jobs",`+
			`"FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:not-lift","State":"Enabled","BatchSize":10}]}`)
	}))
	defer moto.Close()
	router, err := NewLambdaRouter(LambdaRoutes{"arn:aws:lambda:us-east-1:123456789012:function:api": {"http://127.0.0.1:1"}}, LambdaRouterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := router.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer router.Close()
	var log bytes.Buffer // slog's handler serializes the writes; read after Run has returned
	f, err := NewQueueFeeder(QueueFeederOptions{AWS: AWSConfigAt(moto.URL), Lambda: router.URL, Refresh: 100 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	f.Run(ctx)
	if n := sqsCalls.Load(); n != 0 || strings.Count(log.String(), "not served locally") != 1 {
		t.Fatalf("%d SQS calls; log:\n%s\nwant none, and the function named once", n, log.String())
	}
	calls := router.Invocations()
	if len(calls) != 1 || calls[0].ErrorType != "ResourceNotFoundException" {
		t.Fatalf("router calls %+v, want one DryRun answered ResourceNotFoundException", calls)
	}
}

func TestQueueFeederNeedsLocalEndpoints(t *testing.T) {
	for _, o := range []QueueFeederOptions{{Lambda: "http://127.0.0.1:1"}, {AWS: AWSConfigAt("http://127.0.0.1:1")}} {
		if _, err := NewQueueFeeder(o); err == nil || !strings.Contains(err.Error(), "local Lambda endpoint") {
			t.Errorf("NewQueueFeeder(%+v) = %v, want a refusal naming both endpoints", o, err)
		}
	}
}

// Given mappings are fed as they are: moto's mappings are not listed.
func TestQueueFeederFeedsGivenMappings(t *testing.T) {
	var listed, deleted atomic.Int64
	var received atomic.Bool
	invoked := make(chan string, 10) // function and record count of each real invocation
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch target := r.Header.Get("X-Amz-Target"); {
		case strings.HasSuffix(r.URL.Path, "/event-source-mappings"), strings.HasSuffix(r.URL.Path, "/event-source-mappings/"):
			listed.Add(1)
			_, _ = io.WriteString(w, `{"EventSourceMappings":[]}`)
		case strings.HasSuffix(r.URL.Path, "/invocations"):
			if r.Header.Get("X-Amz-Invocation-Type") == "DryRun" {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			var ev events.SQSEvent
			_ = json.Unmarshal(body, &ev)
			invoked <- r.URL.Path + " " + strings.Repeat("m", len(ev.Records))
			_, _ = io.WriteString(w, `{"batchItemFailures":[]}`)
		case strings.HasSuffix(target, "GetQueueUrl"):
			_, _ = io.WriteString(w, `{"QueueUrl":"http://127.0.0.1/123456789012/jobs"}`)
		case strings.HasSuffix(target, "ReceiveMessage"):
			if received.Swap(true) {
				_, _ = io.WriteString(w, `{}`)
				return
			}
			_, _ = io.WriteString(w, `{"Messages":[{"MessageId":"m1","ReceiptHandle":"r1","Body":"{}"}]}`)
		case strings.HasSuffix(target, "DeleteMessageBatch"):
			deleted.Add(1)
			_, _ = io.WriteString(w, `{"Successful":[{"Id":"m1"}]}`)
		default:
			t.Errorf("unexpected call %s %s %s", r.Method, r.URL.Path, target)
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	f, err := NewQueueFeeder(QueueFeederOptions{AWS: AWSConfigAt(srv.URL), Lambda: srv.URL, Wait: 100 * time.Millisecond,
		Mappings: []QueueMapping{{Function: "worker", QueueARN: "arn:aws:sqs:us-east-1:123456789012:jobs", BatchSize: 1, ReportBatchItemFailures: true}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	f.Run(ctx)
	close(invoked)
	var got []string
	for c := range invoked {
		got = append(got, c)
	}
	if len(got) != 1 || got[0] != "/2015-03-31/functions/worker/invocations m" || deleted.Load() != 1 || listed.Load() != 0 {
		t.Fatalf("invocations %q, %d deletes, %d listings; want the message delivered to worker once, deleted, and no listing", got, deleted.Load(), listed.Load())
	}
}
