package tracing_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestOTLPIsOptIn: runtime/tracing links no protobuf (the OTLP exporter's
// ~7 MB), and otlptracing does, so stdout and none handlers stay small.
func TestOTLPIsOptIn(t *testing.T) {
	const otlp = "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	for _, tt := range []struct {
		pkg  string
		otlp bool
	}{{".", false}, {"./otlptracing", true}} {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, "go.opentelemetry.io/otel/sdk/trace") {
			t.Fatalf("%s: dependency list lacks the OpenTelemetry SDK: the check is not looking at the right package", tt.pkg)
		}
		if got := slices.Contains(deps, otlp); got != tt.otlp {
			t.Errorf("%s links %s: %v, want %v", tt.pkg, otlp, got, tt.otlp)
		}
		if !tt.otlp {
			for _, d := range deps {
				if strings.HasPrefix(d, "google.golang.org/protobuf") || strings.HasPrefix(d, "go.opentelemetry.io/proto") {
					t.Errorf("%s depends on %s", tt.pkg, d)
				}
			}
		}
	}
}
