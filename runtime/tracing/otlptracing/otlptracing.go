// Package otlptracing exports the spans of runtime/tracing over OTLP/HTTP to a
// collector: the ADOT Lambda layer on localhost:4318 in Lambda, any
// OpenTelemetry collector (or Jaeger) locally. It is a package of its own
// because the exporter's protobuf code weighs about 7 MB in a handler binary:
// only handlers that export over OTLP import it.
//
//	tp, err := tracing.FromEnv(ctx, otlptracing.Backend()) // LIFT_TRACING=otlp uses it
package otlptracing

import (
	"context"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/tracing"
)

// Backend lets tracing.FromEnv export over OTLP/HTTP when LIFT_TRACING=otlp.
// OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_EXPORTER_OTLP_* variables
// apply; the default endpoint is http://localhost:4318, where the ADOT
// collector layer listens.
func Backend() tracing.Backend {
	return tracing.Backend{Mode: contract.TracingOTLP, New: func(ctx context.Context) (sdktrace.SpanExporter, error) {
		return otlptracehttp.New(ctx)
	}}
}
