package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/cache"
)

func TestHandle(t *testing.T) {
	mem, err := cache.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	a := newAPI(cachedStore{ItemStore: newCatalog(seedItems()), cache: mem, ttl: time.Minute})
	tests := []struct {
		name, method, path string
		query              map[string]string
		status             int
		want               string
	}{
		{"greeting default", "GET", "/greeting", nil, 200, `{"message":"Hello, world!","coldStart":false}`},
		{"greeting name", "", "/greeting", map[string]string{"name": "Ada"}, 200, `{"message":"Hello, Ada!","coldStart":false}`},
		{"items", "GET", "/items/", nil, 200, `{"items":[{"id":"espresso","name":"Espresso","priceCents":250},{"id":"filter","name":"Filter coffee","priceCents":300},{"id":"flat-white","name":"Flat white","priceCents":380}]}`},
		{"item loaded", "GET", "/items/filter", nil, 200, `{"id":"filter","name":"Filter coffee","priceCents":300,"cached":false}`},
		{"item cached", "GET", "/items/filter", nil, 200, `{"id":"filter","name":"Filter coffee","priceCents":300,"cached":true}`},
		{"unknown item", "GET", "/items/tea", nil, 404, `{"error":"no item tea"}`},
		{"unknown item remembered", "GET", "/items/tea", nil, 404, `{"error":"no item tea"}`},
		{"unknown route", "GET", "/orders", nil, 404, `{"error":"no route /orders"}`},
		{"post", "POST", "/items", nil, 405, `{"error":"only GET is supported"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req events.APIGatewayV2HTTPRequest
			req.RawPath, req.QueryStringParameters = tt.path, tt.query
			req.RequestContext.HTTP.Method = tt.method
			resp, err := a.Handle(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || resp.Body != tt.want {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, resp.Body, tt.status, tt.want)
			}
			if !json.Valid([]byte(resp.Body)) || resp.Headers["content-type"] != "application/json" {
				t.Fatalf("not a JSON response: %+v", resp)
			}
		})
	}
	if got := a.Served(); got != int64(len(tests)) {
		t.Fatalf("Served() = %d, want %d", got, len(tests))
	}
}

func TestCatalogHealth(t *testing.T) {
	ctx := context.Background()
	if err := newCatalog(seedItems()).Check(ctx); err != nil {
		t.Fatalf("seeded catalog unhealthy: %v", err)
	}
	if err := newCatalog(nil).Check(ctx); err == nil {
		t.Fatal("empty catalog reported healthy")
	}
}
