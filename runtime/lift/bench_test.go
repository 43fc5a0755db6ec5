package lift

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

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
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := hc.h.Invoke(ctx, benchEvent); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fixedHandler answers instantly: wrapped by Lift, it isolates the wrapper's
// own cost from JSON decoding and reflection.
type fixedHandler struct{}

var fixedResponse = []byte(`{"ok":true}`)

func (fixedHandler) Invoke(context.Context, []byte) ([]byte, error) { return fixedResponse, nil }

// BenchmarkWrapperOnly measures what Lift adds per invocation in absolute
// terms: the same no-op handler called directly and through Lift's wrapper.
func BenchmarkWrapperOnly(b *testing.B) {
	ctx := benchContext()
	lifted := benchLift(b)
	lifted.inner = fixedHandler{}
	for _, hc := range []struct {
		name string
		h    lambda.Handler
	}{{"direct", fixedHandler{}}, {"lift", lifted}} {
		b.Run(hc.name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				_, _ = hc.h.Invoke(ctx, benchEvent)
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
	defer reportCPU(b)()
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
			defer reportCPU(b)()
			for b.Loop() {
				_, _ = parseControl(p)
			}
		})
	}
}

// reportCPU adds a cpu-ns/op metric: the process's CPU time per operation.
// On a shared, overloaded machine wall-clock ns/op mostly measures waiting
// for a core; CPU time measures the work. Call as defer reportCPU(b)().
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
