package contract

// Tracing (runtime/tracing; constructs/service's Tracing choice).
const (
	// EnvTracing selects where spans go: one of Tracing*. Unset means TracingNone.
	EnvTracing = "LIFT_TRACING"
	// TracingNone records nothing and costs nothing per invocation.
	TracingNone = "none"
	// TracingOTLP exports over OTLP/HTTP to a collector (the ADOT Lambda layer
	// listens on localhost:4318; OTEL_EXPORTER_OTLP_ENDPOINT overrides it).
	TracingOTLP = "otlp"
	// TracingStdout writes one JSON line per span to standard output (local work).
	TracingStdout = "stdout"
	// ClientContextTraceparent is the W3C traceparent of the calling span in a
	// Lambda Invoke's ClientContext.Custom (Lambda forwards no other header).
	ClientContextTraceparent = "traceparent"
)
