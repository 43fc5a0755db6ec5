package lift

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

var currentLogger atomic.Pointer[slog.Logger]

func setCurrentLogger(l *slog.Logger) { currentLogger.Store(l) }

// newLogger returns Lift's JSON logger. Records logged with a context (or
// through Logger(ctx)) carry requestId and coldStart; every record carries
// instanceId and service.
func newLogger(w io.Writer, level slog.Level, instanceID, service string) *slog.Logger {
	base := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
	return slog.New(contextHandler{Handler: base.WithAttrs([]slog.Attr{
		slog.String("instanceId", instanceID),
		slog.String("service", service),
	})})
}

// Logger returns the JSON logger of the running Handler with this
// invocation's requestId and coldStart attached. Outside an invocation it
// returns the logger without them; before Start or NewHandler, slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	l := currentLogger.Load()
	if l == nil {
		l = slog.Default()
	}
	if ctx == nil {
		return l
	}
	attrs := logAttrs(ctx)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append([]slog.Attr{slog.String("requestId", lc.AwsRequestID), slog.Bool("coldStart", ColdStart(ctx))}, attrs...)
	}
	if len(attrs) == 0 {
		return l
	}
	if ch, ok := l.Handler().(contextHandler); ok {
		return slog.New(contextHandler{Handler: ch.Handler.WithAttrs(attrs), bound: true})
	}
	return slog.New(l.Handler().WithAttrs(attrs))
}

// contextHandler adds requestId and coldStart from the record's context,
// unless the logger was already bound to an invocation by Logger(ctx).
type contextHandler struct {
	slog.Handler
	bound bool
}

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if !h.bound && ctx != nil {
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			r.AddAttrs(slog.String("requestId", lc.AwsRequestID), slog.Bool("coldStart", ColdStart(ctx)))
		}
		r.AddAttrs(logAttrs(ctx)...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{Handler: h.Handler.WithAttrs(attrs), bound: h.bound}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{Handler: h.Handler.WithGroup(name), bound: h.bound}
}
