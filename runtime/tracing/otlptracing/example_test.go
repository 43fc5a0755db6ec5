package otlptracing_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
	"github.com/liftcdk/lift/runtime/tracing/otlptracing"
)

// A handler that may export over OTLP (LIFT_TRACING=otlp, as service.Props.Tracing
// sets) passes the backend; stdout and none work with or without it.
func ExampleBackend() {
	tp, err := tracing.FromEnv(context.Background(), otlptracing.Backend())
	if err != nil {
		slog.Error("tracing configuration", "error", err)
		os.Exit(1)
	}
	lift.Start(func(ctx context.Context, in struct{}) (string, error) {
		return "ok", nil
	}, lift.OnShutdown("tracing", tp.Shutdown))
}
