package lift

import (
	"log/slog"
	"testing"
	"time"
)

func TestWithLogAttrsOnEveryLine(t *testing.T) {
	te := newTestHandler(t, onDemand, orderHandler)
	ctx := WithLogAttrs(invocation(t, "r9", time.Second), slog.String("tenant", "acme"))
	ctx = WithLogAttrs(ctx, slog.String("correlationId", "c1"))
	Logger(ctx).Info("via Logger")
	te.h.log.InfoContext(ctx, "via InfoContext")
	Logger(WithLogAttrs(t.Context(), slog.String("tenant", "solo"))).Info("outside an invocation")
	lines := te.logs.lines(t)
	if len(lines) != 3 {
		t.Fatalf("%v", lines)
	}
	for _, l := range lines[:2] {
		if l["tenant"] != "acme" || l["correlationId"] != "c1" || l["requestId"] != "r9" {
			t.Fatalf("%v", l)
		}
	}
	if lines[2]["tenant"] != "solo" {
		t.Fatalf("%v", lines[2])
	}
}
