package lift

import (
	"context"
	"io"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/runtime/metrics"
)

var benchEvent = []byte(`{"id":"order-42","qty":3}`)

func benchContext() context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "bench"})
}

func benchLift(b *testing.B, opts ...Option) *Handler {
	b.Helper()
	opts = append([]Option{WithLogWriter(io.Discard), WithMetrics(metrics.New(io.Discard, "Bench"))}, opts...)
	h, err := newHandler(orderHandler, func(k string) string { return onDemand[k] }, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkInvoke compares one business invocation through Lift's wrapper
// with the bare aws-lambda-go handler, both called through lambda.Handler.
// The Lift figure includes control-event detection, cold-start check, panic
// recovery, the Invocations counter and the per-invocation metrics flush
// (to io.Discard here; stdout in Lambda).
func BenchmarkInvoke(b *testing.B) {
	ctx := benchContext()
	handlers := []struct {
		name string
		h    lambda.Handler
	}{
		{"bare", lambda.NewHandler(orderHandler)},
		{"lift", benchLift(b)},
	}
	for _, hc := range handlers {
		b.Run(hc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := hc.h.Invoke(ctx, benchEvent); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWarmupEvent is a warm-up answered in-process: hooks already run,
// hold 0. The user's event type is never decoded.
func BenchmarkWarmupEvent(b *testing.B) {
	h := benchLift(b, OnWarmup("noop", func(context.Context) error { return nil }))
	ctx := benchContext()
	payload := []byte(`{"lift":"warmup","round":"r1"}`)
	if _, err := h.Invoke(ctx, payload); err != nil { // runs the hook once
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetectControl is the cost every business event pays to be told
// apart from a control event.
func BenchmarkDetectControl(b *testing.B) {
	cases := []struct{ name, payload string }{
		{"plain", `{"id":"order-42","qty":3}`},
		{"nested-lift-key", `{"id":"order-42","meta":{"lift":"warmup"},"qty":3}`},
		{"warmup", `{"lift":"warmup","holdMs":100,"round":"r1"}`},
	}
	for _, c := range cases {
		p := []byte(c.payload)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = parseControl(p)
			}
		})
	}
}
