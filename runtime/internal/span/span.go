// Package span is the seam between the runtime packages that record spans
// (lift, cache, discovery, web) and runtime/tracing, which records them with
// OpenTelemetry. It imports nothing outside the standard library, so a
// handler that never imports runtime/tracing links no OpenTelemetry, and with
// no tracer installed every call here is a nil check: no allocation.
package span

import (
	"context"
	"sync/atomic"
)

// Kind is a span's role, as OpenTelemetry's SpanKind.
type Kind uint8

// Kinds used by the runtime.
const (
	Internal Kind = iota
	Server
	Client
)

// Tracer records spans; runtime/tracing implements it.
type Tracer interface {
	Start(ctx context.Context, name string, kind Kind) (context.Context, Recorder)
	// Extract returns ctx with the remote parent found through get (W3C
	// traceparent, else the X-Ray header), if any.
	Extract(ctx context.Context, get func(key string) string) context.Context
	// Inject writes ctx's span context through set (traceparent and the
	// X-Ray header).
	Inject(ctx context.Context, set func(key, value string))
	// IDs returns the trace and span ids of ctx's span, or "" when it has none.
	IDs(ctx context.Context) (traceID, spanID string)
}

// Recorder is one recording span.
type Recorder interface {
	SetString(key, value string)
	SetInt(key string, value int64)
	SetBool(key string, value bool)
	End(err error)
}

type box struct{ t Tracer }

var current atomic.Pointer[box]

// Install makes t the runtime's tracer (nil removes it).
func Install(t Tracer) {
	if t == nil {
		current.Store(nil)
		return
	}
	current.Store(&box{t})
}

// Enabled reports whether a tracer is installed.
func Enabled() bool { return current.Load() != nil }

// Start starts a span when a tracer is installed; otherwise it returns ctx
// and a Span whose methods do nothing.
func Start(ctx context.Context, name string, kind Kind) (context.Context, Span) {
	b := current.Load()
	if b == nil {
		return ctx, Span{}
	}
	ctx, r := b.t.Start(ctx, name, kind)
	return ctx, Span{r}
}

// Extract is Tracer.Extract, or ctx when no tracer is installed.
func Extract(ctx context.Context, get func(key string) string) context.Context {
	if b := current.Load(); b != nil {
		return b.t.Extract(ctx, get)
	}
	return ctx
}

// Inject is Tracer.Inject; nothing when no tracer is installed.
func Inject(ctx context.Context, set func(key, value string)) {
	if b := current.Load(); b != nil {
		b.t.Inject(ctx, set)
	}
}

// IDs is Tracer.IDs, or "" when no tracer is installed.
func IDs(ctx context.Context) (traceID, spanID string) {
	if b := current.Load(); b != nil {
		return b.t.IDs(ctx)
	}
	return "", ""
}

// Span is a started span, or nothing when tracing is off. Build attribute
// values only when Recording: the methods are free when it is not.
type Span struct{ r Recorder }

// Recording reports whether the span records anything.
func (s Span) Recording() bool { return s.r != nil }

// SetString sets a string attribute.
func (s Span) SetString(key, value string) {
	if s.r != nil {
		s.r.SetString(key, value)
	}
}

// SetInt sets an integer attribute.
func (s Span) SetInt(key string, value int64) {
	if s.r != nil {
		s.r.SetInt(key, value)
	}
}

// SetBool sets a boolean attribute.
func (s Span) SetBool(key string, value bool) {
	if s.r != nil {
		s.r.SetBool(key, value)
	}
}

// End ends the span, marking it failed when err is not nil.
func (s Span) End(err error) {
	if s.r != nil {
		s.r.End(err)
	}
}
