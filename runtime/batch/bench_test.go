package batch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/batch"
)

// BenchmarkSQSOverhead measures what batch.SQS costs per record over the
// baseline a hand-written handler would be: a plain loop that decodes each
// body and collects failures. The two run interleaved in one benchmark, so
// both see the same load on a shared machine; the per-record work is small
// (one JSON decode), which makes this the worst case for the ratio.
func BenchmarkSQSOverhead(b *testing.B) {
	for _, fifo := range []bool{false, true} {
		b.Run(fmt.Sprintf("fifo=%v", fifo), func(b *testing.B) {
			var ev events.SQSEvent
			for i := range 100 {
				m := events.SQSMessage{MessageId: fmt.Sprint(i), Body: fmt.Sprintf(`{"order":%d}`, i)}
				if fifo {
					m.Attributes = map[string]string{"MessageGroupId": fmt.Sprint(i % 10)}
				}
				ev.Records = append(ev.Records, m)
			}
			work := func(_ context.Context, m events.SQSMessage) error {
				var o order
				return json.Unmarshal([]byte(m.Body), &o)
			}
			lift := batch.SQS(work)
			loop := func(ctx context.Context, ev events.SQSEvent) events.SQSEventResponse {
				resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
				for _, m := range ev.Records {
					if err := work(ctx, m); err != nil {
						resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
					}
				}
				return resp
			}
			ctx := context.Background()
			var spentLift, spentLoop time.Duration
			batches := 0
			for b.Loop() {
				start := time.Now()
				if resp, err := lift(ctx, ev); err != nil || len(resp.BatchItemFailures) != 0 {
					b.Fatal(resp, err)
				}
				spentLift += time.Since(start)
				start = time.Now()
				if resp := loop(ctx, ev); len(resp.BatchItemFailures) != 0 {
					b.Fatal(resp)
				}
				spentLoop += time.Since(start)
				batches++
			}
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(batches*len(ev.Records)) }
			b.ReportMetric(per(spentLift), "lift-ns/record")
			b.ReportMetric(per(spentLoop), "loop-ns/record")
			b.ReportMetric(per(spentLift)/per(spentLoop), "lift/loop")
		})
	}
}
