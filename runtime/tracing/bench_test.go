package tracing_test

import (
	"context"
	"io"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
	"github.com/liftcdk/lift/runtime/tracing"
)

// BenchmarkInvokeTraced measures one invocation (one span) with tracing off
// (the baseline) and on, exporting to memory: the difference is the cost of
// a span, its attributes and the flush at the end of the invocation.
func BenchmarkInvokeTraced(b *testing.B) {
	h, err := lift.NewHandler(func(context.Context, struct{}) (int, error) { return 1, nil },
		lift.WithLogWriter(io.Discard), lift.WithMetrics(metrics.New(io.Discard, "Bench")))
	if err != nil {
		b.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	payload := []byte(`{}`)
	run := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Invoke(ctx, payload); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("off", run)
	b.Run("memory-exporter", func(b *testing.B) {
		exp := tracetest.NewInMemoryExporter()
		p := tracing.New(exp)
		defer func() { _ = p.Shutdown(context.Background()) }()
		run(b)
		b.StopTimer()
		if len(exp.GetSpans()) == 0 {
			b.Fatal("no span recorded")
		}
		exp.Reset()
	})
}
