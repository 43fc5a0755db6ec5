package lift

import (
	"context"
	"log/slog"
)

type logAttrsKey struct{}

// WithLogAttrs returns ctx with attrs added to every log line written with
// it (through Logger(ctx) or slog's *Context methods on Lift's logger), after
// any attrs ctx already carries. Middleware uses it for the tenant and the
// correlation id.
func WithLogAttrs(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev := logAttrs(ctx)
	all := make([]slog.Attr, 0, len(prev)+len(attrs))
	return context.WithValue(ctx, logAttrsKey{}, append(append(all, prev...), attrs...))
}

func logAttrs(ctx context.Context) []slog.Attr {
	a, _ := ctx.Value(logAttrsKey{}).([]slog.Attr)
	return a
}
