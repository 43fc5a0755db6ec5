package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
)

// benchWriter is a reusable ResponseWriter, so the figures are the
// middleware's and not httptest's.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(s int)   { w.status = s }
func (w *benchWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

func benchItems() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": r.PathValue("id"), "name": "widget", "price": 1299, "tags": []string{"a", "b"}})
	})
	return mux
}

type benchSide struct {
	name string
	h    http.Handler
}

// cacheSides are the two sides of the cache benchmarks: the handler alone
// (the baseline) and behind a memory-tier ResponseCache.
func cacheSides(b *testing.B) []benchSide {
	return []benchSide{{"handler", benchItems()}, {"hit", ResponseCache(newMemory(b))(benchItems())}}
}

// BenchmarkResponseCache answers GET /items/42 from the memory tier
// ("hit") against running the handler ("handler", the baseline), both
// through the same ServeMux and a reusable writer.
func BenchmarkResponseCache(b *testing.B) {
	r := &http.Request{Method: "GET", URL: &url.URL{Path: "/items/42"}, Header: http.Header{}}
	r = r.WithContext(context.Background())
	for _, c := range cacheSides(b) {
		b.Run(c.name, func(b *testing.B) {
			w := &benchWriter{h: http.Header{}}
			c.h.ServeHTTP(w, r) // fill
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				c.h.ServeHTTP(w, r)
				if w.status != 0 && w.status != 200 {
					b.Fatal(w.status)
				}
			}
		})
	}
}

// BenchmarkResponseCacheAdapter is the same comparison through Lift's
// StartHTTP adapter on the HTTP API v2 fixture: event decoding and response
// encoding included.
func BenchmarkResponseCacheAdapter(b *testing.B) {
	payload, err := os.ReadFile(filepath.Join("..", "lift", "testdata", "http", "apigateway-v2.json"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "bench"})
	for _, c := range cacheSides(b) {
		b.Run(c.name, func(b *testing.B) {
			h, err := lift.NewHTTPHandler(c.h, lift.WithLogWriter(io.Discard), lift.WithMetrics(metrics.New(io.Discard, "B")))
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(ctx, time.Hour)
			defer cancel()
			b.ReportAllocs()
			for b.Loop() {
				resp, err := h.Invoke(ctx, payload)
				if err != nil || !strings.Contains(string(resp), `"statusCode":200`) {
					b.Fatalf("%s %v", resp, err)
				}
			}
		})
	}
}
