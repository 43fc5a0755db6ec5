// Package tracing records OpenTelemetry spans for Lift handlers: a span per
// invocation (Lambda semantic conventions), child spans for cache tiers,
// discovery calls and HTTP front-door requests, W3C traceparent and X-Ray
// propagation between Lift services, and the trace and span ids in every log
// line. Import it only in handlers that trace: the runtime reaches it through
// a seam, so a handler without it links no OpenTelemetry and pays nothing.
// The OTLP exporter lives in otlptracing, so only a handler that exports over
// OTLP links its protobuf code.
//
//	tp, err := tracing.FromEnv(ctx, otlptracing.Backend()) // LIFT_TRACING: none (default), otlp, stdout
//	if err != nil { ... }
//	lift.Start(handler, lift.OnShutdown("tracing", tp.Shutdown))
package tracing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/span"
)

// ErrInvalidConfig means LIFT_TRACING or an option is invalid.
var ErrInvalidConfig = errors.New("tracing: invalid configuration")

// Provider records the runtime's spans. A nil *Provider is tracing off: its
// methods do nothing.
type Provider struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

// Backend builds the exporter of one LIFT_TRACING mode that this package
// does not link itself: otlptracing.Backend() provides "otlp". Passing it to
// FromEnv, rather than importing it here, keeps the OTLP exporter's protobuf
// code (about 7 MB) out of handlers that trace to stdout or not at all.
type Backend struct {
	Mode string // the LIFT_TRACING value it serves
	New  func(ctx context.Context) (sdktrace.SpanExporter, error)
}

// FromEnv builds the Provider LIFT_TRACING asks for and installs it as the
// runtime's tracer. With none (or unset) it returns nil: nothing is recorded
// and no invocation pays for tracing. stdout needs no backend; otlp needs
// otlptracing.Backend() among backends.
func FromEnv(ctx context.Context, backends ...Backend) (*Provider, error) {
	switch mode := strings.TrimSpace(os.Getenv(contract.EnvTracing)); mode {
	case "", contract.TracingNone:
		return nil, nil
	case contract.TracingStdout:
		return Stdout(os.Stdout)
	case contract.TracingOTLP:
		for _, b := range backends {
			if b.Mode == mode && b.New != nil {
				exp, err := b.New(ctx)
				if err != nil {
					return nil, fmt.Errorf("tracing: %s exporter: %w", mode, err)
				}
				return New(exp), nil
			}
		}
		return nil, fmt.Errorf("%w: %s=%s but the OTLP exporter is not linked into this binary: import github.com/liftcdk/lift/runtime/tracing/otlptracing and pass otlptracing.Backend() to tracing.FromEnv",
			ErrInvalidConfig, contract.EnvTracing, mode)
	default:
		return nil, fmt.Errorf("%w: %s=%q: use %q (default), %q or %q", ErrInvalidConfig, contract.EnvTracing, mode,
			contract.TracingNone, contract.TracingOTLP, contract.TracingStdout)
	}
}

// Stdout returns an installed Provider writing one JSON line per span to w.
func Stdout(w io.Writer) (*Provider, error) {
	exp, err := stdouttrace.New(stdouttrace.WithWriter(w))
	if err != nil {
		return nil, fmt.Errorf("tracing: stdout exporter: %w", err)
	}
	return New(exp), nil
}

// New returns a Provider exporting to exp (tests pass tracetest's in-memory
// exporter) and installs it as the runtime's tracer. Spans are batched and
// flushed when each invocation ends, before Lambda can freeze the process.
// Every span is sampled: LIFT_TRACING is the switch.
func New(exp sdktrace.SpanExporter) *Provider {
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		sdktrace.WithResource(serviceResource()),
	)
	p := &Provider{
		tp:     tp,
		tracer: tp.Tracer("github.com/liftcdk/lift/runtime"),
		// X-Ray first, so a W3C traceparent (set by a Lift caller) wins over
		// the header Lambda itself passes.
		prop: propagation.NewCompositeTextMapPropagator(xray.Propagator{}, propagation.TraceContext{}),
	}
	span.Install(adapter{p})
	return p
}

func serviceResource() *resource.Resource {
	attrs := []attribute.KeyValue{attribute.String("cloud.provider", "aws"), attribute.String("cloud.platform", "aws_lambda")}
	name := os.Getenv(contract.EnvService)
	if name == "" {
		name = os.Getenv("AWS_LAMBDA_FUNCTION_NAME")
	}
	if name != "" {
		attrs = append(attrs, attribute.String("service.name", name))
	}
	if fn := os.Getenv("AWS_LAMBDA_FUNCTION_NAME"); fn != "" {
		attrs = append(attrs, attribute.String("faas.name", fn))
	}
	if r := os.Getenv("AWS_REGION"); r != "" {
		attrs = append(attrs, attribute.String("cloud.region", r))
	}
	return resource.NewSchemaless(attrs...)
}

// Flush exports the spans recorded so far.
func (p *Provider) Flush(ctx context.Context) error {
	if p == nil {
		return nil
	}
	return p.tp.ForceFlush(ctx)
}

// Shutdown flushes, stops the provider and uninstalls it; use it as a
// lift.OnShutdown hook.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p == nil {
		return nil
	}
	span.Install(nil)
	return p.tp.Shutdown(ctx)
}

// adapter implements the runtime's span seam with OpenTelemetry.
type adapter struct{ p *Provider }

func (a adapter) Start(ctx context.Context, name string, kind span.Kind) (context.Context, span.Recorder) {
	k := trace.SpanKindInternal
	switch kind {
	case span.Server:
		k = trace.SpanKindServer
	case span.Client:
		k = trace.SpanKindClient
	}
	parent := trace.SpanContextFromContext(ctx)
	ctx, s := a.p.tracer.Start(ctx, name, trace.WithSpanKind(k))
	r := recorder{s: s}
	if !parent.IsValid() || parent.IsRemote() {
		r.flush = a.p // this process's root (an invocation): flush when it ends
	}
	return ctx, r
}

func (a adapter) Extract(ctx context.Context, get func(string) string) context.Context {
	return a.p.prop.Extract(ctx, getter(get))
}

func (a adapter) Inject(ctx context.Context, set func(string, string)) {
	a.p.prop.Inject(ctx, setter(set))
}

func (adapter) IDs(ctx context.Context) (string, string) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return "", ""
	}
	return sc.TraceID().String(), sc.SpanID().String()
}

type recorder struct {
	s     trace.Span
	flush *Provider
}

func (r recorder) SetString(k, v string)    { r.s.SetAttributes(attribute.String(k, v)) }
func (r recorder) SetInt(k string, v int64) { r.s.SetAttributes(attribute.Int64(k, v)) }
func (r recorder) SetBool(k string, v bool) { r.s.SetAttributes(attribute.Bool(k, v)) }

func (r recorder) End(err error) {
	if err != nil {
		r.s.RecordError(err)
		r.s.SetStatus(codes.Error, err.Error())
	}
	r.s.End()
	if r.flush != nil {
		_ = r.flush.Flush(context.Background())
	}
}

// getter and setter adapt the seam's functions to OpenTelemetry carriers.
type getter func(string) string

func (g getter) Get(key string) string { return g(key) }
func (getter) Keys() []string          { return nil }
func (getter) Set(string, string)      {}

type setter func(string, string)

func (setter) Get(string) string       { return "" }
func (setter) Keys() []string          { return nil }
func (s setter) Set(key, value string) { s(key, value) }
