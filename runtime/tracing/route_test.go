package tracing_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
	"github.com/liftcdk/lift/runtime/web"
)

// TestRouteThroughMiddleware: the request span names the ServeMux route even
// when middleware around the mux copies the request (web.RequestID with
// r.WithContext, as the quickstart composes it), and so does the access log.
func TestRouteThroughMiddleware(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := tracing.New(exp)
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.PathValue("id")) })
	h, err := lift.NewHTTPHandler(web.RequestID(web.AccessLog(mux)), lift.WithLogWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	base := serveLocal(t, h)

	resp, err := http.Get(base + "/items/espresso")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Name != "HTTP GET" {
		t.Fatalf("spans = %v, want one HTTP GET", names(spans))
	}
	if got := attrsOf(spans[0])["http.route"]; got != "GET /items/{id}" {
		t.Errorf("http.route = %v, want the mux pattern GET /items/{id} (all: %v)", got, attrsOf(spans[0]))
	}
}
