package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/batch"
)

func fixture[E any](t *testing.T, name string) E {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev E
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

// order is the body every fixture's records carry.
type order struct {
	Order int  `json:"order"`
	Fail  bool `json:"fail"`
	Panic bool `json:"panic"`
}

// orders processes records and remembers which ran, in order.
type orders struct {
	mu  sync.Mutex
	ran []int
}

func (o *orders) handle(body []byte) error {
	var ord order
	if err := json.Unmarshal(body, &ord); err != nil {
		return err
	}
	o.mu.Lock()
	o.ran = append(o.ran, ord.Order)
	o.mu.Unlock()
	if ord.Panic {
		panic(fmt.Sprintf("order %d exploded", ord.Order))
	}
	if ord.Fail {
		return fmt.Errorf("order %d declined", ord.Order)
	}
	return nil
}

func (o *orders) ranSet() map[int]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := map[int]bool{}
	for _, n := range o.ran {
		m[n] = true
	}
	return m
}

func logTo(b *strings.Builder) batch.Option {
	return batch.WithLogger(slog.New(slog.NewTextHandler(b, nil)))
}

func failedIDs[F any](failures []F) []string {
	ids := []string{}
	for _, f := range failures {
		ids = append(ids, reflect.ValueOf(f).FieldByName("ItemIdentifier").String())
	}
	return ids
}

func TestSQSStandardReportsFailuresAndPanics(t *testing.T) {
	ev := fixture[events.SQSEvent](t, "sqs-standard.json")
	var o orders
	var logs strings.Builder
	h := batch.SQS(func(_ context.Context, m events.SQSMessage) error { return o.handle([]byte(m.Body)) }, logTo(&logs))
	resp, err := h(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ev.Records[1].MessageId, ev.Records[2].MessageId}
	if got := failedIDs(resp.BatchItemFailures); !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v, want %v", got, want)
	}
	if ran := o.ranSet(); len(ran) != 4 {
		t.Fatalf("ran %v: a failure or panic must not stop other messages of a standard queue", ran)
	}
	if !strings.Contains(logs.String(), "order 3 exploded") || !strings.Contains(logs.String(), "order 2 declined") {
		t.Fatalf("failures not logged: %s", logs.String())
	}
}

func TestSQSFIFOKeepsGroupOrder(t *testing.T) {
	ev := fixture[events.SQSEvent](t, "sqs-fifo.json")
	var o orders
	groupRuns := map[string][]int{}
	var mu sync.Mutex
	h := batch.SQS(func(_ context.Context, m events.SQSMessage) error {
		var ord order
		_ = json.Unmarshal([]byte(m.Body), &ord)
		mu.Lock()
		groupRuns[m.Attributes["MessageGroupId"]] = append(groupRuns[m.Attributes["MessageGroupId"]], ord.Order)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // give a wrong implementation time to overtake
		return o.handle([]byte(m.Body))
	}, logTo(&strings.Builder{}))
	resp, err := h(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	// Group A is 1, 3 (fails), 5: 5 must not run and is reported with 3. Group B (2, 4, 6) is unaffected.
	want := []string{ev.Records[2].MessageId, ev.Records[4].MessageId}
	if got := failedIDs(resp.BatchItemFailures); !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(groupRuns["A"], []int{1, 3}) || !reflect.DeepEqual(groupRuns["B"], []int{2, 4, 6}) {
		t.Fatalf("runs per group = %v; want A [1 3] (stopped at the failure) and B [2 4 6] in order", groupRuns)
	}
}

func TestKinesisStopsAtFirstFailure(t *testing.T) {
	ev := fixture[events.KinesisEvent](t, "kinesis.json")
	var o orders
	h := batch.Kinesis(func(_ context.Context, r events.KinesisEventRecord) error { return o.handle(r.Kinesis.Data) }, logTo(&strings.Builder{}))
	resp, err := h(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ev.Records[1].Kinesis.SequenceNumber, ev.Records[2].Kinesis.SequenceNumber}
	if got := failedIDs(resp.BatchItemFailures); !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(o.ran, []int{1, 2}) {
		t.Fatalf("ran %v, want [1 2]: a shard's records run in order and stop at the first failure", o.ran)
	}
}

func TestDynamoDBStreamsStopsAtFirstFailure(t *testing.T) {
	ev := fixture[events.DynamoDBEvent](t, "dynamodb-streams.json")
	var ran []string
	h := batch.DynamoDB(func(_ context.Context, r events.DynamoDBEventRecord) error {
		ran = append(ran, r.EventName)
		if f, ok := r.Change.NewImage["fail"]; ok && f.Boolean() {
			return errors.New("declined")
		}
		return nil
	}, logTo(&strings.Builder{}))
	resp, err := h(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ev.Records[1].Change.SequenceNumber, ev.Records[2].Change.SequenceNumber}
	if got := failedIDs(resp.BatchItemFailures); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(ran, []string{"INSERT", "MODIFY"}) {
		t.Fatalf("failures = %v (want %v), ran %v", got, want, ran)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	var ev events.SQSEvent
	for i := range 30 {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: fmt.Sprint(i)})
	}
	var inflight, peak atomic.Int32
	h := batch.SQS(func(context.Context, events.SQSMessage) error {
		n := inflight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(10 * time.Millisecond)
		inflight.Add(-1)
		return nil
	}, batch.WithConcurrency(3))
	resp, err := h(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%+v, %v", resp, err)
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Fatalf("peak concurrency %d, want 2..3 with WithConcurrency(3)", p)
	}
}

// Records not started when the invocation's time is up are reported failed,
// not dropped.
func TestDeadlineReportsUnstartedRecords(t *testing.T) {
	ev := fixture[events.SQSEvent](t, "sqs-standard.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := batch.SQS(func(context.Context, events.SQSMessage) error { t.Error("ran after the deadline"); return nil })
	resp, err := h(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != len(ev.Records) {
		t.Fatalf("%+v, %v; want every message reported failed", resp, err)
	}
}

func TestRecordWithoutIdentifierFailsTheBatch(t *testing.T) {
	ev := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "a"}, {Body: "no id"}}}
	h := batch.SQS(func(context.Context, events.SQSMessage) error { t.Error("ran"); return nil })
	if _, err := h(context.Background(), ev); !errors.Is(err, batch.ErrInvalidEvent) || !strings.Contains(err.Error(), "record 1") {
		t.Fatalf("err = %v, want ErrInvalidEvent naming record 1", err)
	}
}

func TestEmptyBatchAnswersAnEmptyList(t *testing.T) {
	resp, err := batch.SQS(func(context.Context, events.SQSMessage) error { return nil })(context.Background(), events.SQSEvent{})
	b, _ := json.Marshal(resp)
	if err != nil || string(b) != `{"batchItemFailures":[]}` {
		t.Fatalf("%s, %v", b, err)
	}
}
