package batch_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestSQSHandlerUnderRIE runs a handler binary built with lift.Start and
// batch.SQS under the Lambda Runtime Interface Emulator: the partial failure
// response names the failed and the panicking message, and the process keeps
// serving after the panic.
func TestSQSHandlerUnderRIE(t *testing.T) {
	bootstrap := testsvc.BuildHandler(t, "./runtime/batch/testdata/sqsapp")
	rie := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bootstrap, Env: map[string]string{contract.EnvService: "orders"}, Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	payload, err := os.ReadFile("testdata/sqs-standard.json")
	if err != nil {
		t.Fatal(err)
	}
	ev := fixture[events.SQSEvent](t, "sqs-standard.json")
	want := []string{ev.Records[1].MessageId, ev.Records[2].MessageId}
	for range 2 { // the second invocation proves the panic did not take the process down
		var resp events.SQSEventResponse
		body := rie.MustInvoke(t, ctx, string(payload))
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatalf("response %s: %v", body, err)
		}
		if got := failedIDs(resp.BatchItemFailures); !reflect.DeepEqual(got, want) {
			t.Fatalf("batchItemFailures = %v, want %v (response %s)", got, want, body)
		}
	}
	logs := rie.WaitForLog(t, "order 3 exploded")
	if strings.Count(logs, "INIT START") != 1 || !strings.Contains(logs, `"msg":"order processed"`) {
		t.Fatalf("want one process that logged processed orders:\n%s", logs)
	}
}
