package lift

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/liftcdk/lift/runtime/metrics"
)

type benchItem struct {
	ID    string `json:"id"`
	Color string `json:"color"`
}

// itemMux is the net/http side of the comparison: one ServeMux route.
func itemMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(benchItem{ID: r.PathValue("id"), Color: r.URL.Query().Get("color")})
	})
	return mux
}

// itemEvent is the same handler written by hand against the event type.
func itemEvent(_ context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	id, ok := strings.CutPrefix(e.RawPath, "/items/")
	if !ok || e.RequestContext.HTTP.Method != http.MethodGet {
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNotFound}, nil
	}
	body, err := json.Marshal(benchItem{ID: id, Color: e.QueryStringParameters["color"]})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body) + "\n"}, nil
}

func benchHTTPLift(b *testing.B, h http.Handler) *Handler {
	b.Helper()
	lh, err := newHTTPHandler(h, func(k string) string { return onDemand[k] }, WithLogWriter(io.Discard), WithMetrics(metrics.New(io.Discard, "Bench")))
	if err != nil {
		b.Fatal(err)
	}
	return lh
}

// BenchmarkHTTPAdapter answers the HTTP API v2 fixture (GET /items/42) with
// the same handler three ways, all through lambda.Handler.Invoke on the raw
// event bytes: aws-lambda-go with a handler written against
// events.APIGatewayV2HTTPRequest (the baseline), Lift's StartHTTP adapter
// with a ServeMux (its figure includes Lift's lifecycle: control-event
// check, cold start, panic recovery, metrics flush), and
// aws-lambda-go-api-proxy's httpadapter.V2 with the same ServeMux.
func BenchmarkHTTPAdapter(b *testing.B) {
	ctx := benchContext()
	payload := fixture(b, "apigateway-v2.json")
	for _, c := range []struct {
		name string
		h    lambda.Handler
	}{
		{"aws-lambda-go", lambda.NewHandler(itemEvent)},
		{"lift", benchHTTPLift(b, itemMux())},
		{"api-proxy", lambda.NewHandler(httpadapter.NewV2(itemMux()).ProxyWithContext)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.h.Invoke(ctx, payload)
				if err != nil || !strings.Contains(string(resp), `"statusCode":200`) {
					b.Fatalf("%s %v", resp, err)
				}
			}
		})
	}
}
