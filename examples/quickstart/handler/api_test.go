package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
)

func newTestAPI(t *testing.T) *api {
	t.Helper()
	mem, err := cache.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	scope, err := cache.NewScope(mem, "quickstart")
	if err != nil {
		t.Fatal(err)
	}
	return newAPI(&cachedStore{ItemStore: newCatalog(seedItems()), cache: scope, ttl: time.Minute})
}

func TestRoutes(t *testing.T) {
	a := newTestAPI(t)
	h := a.Routes()
	tests := []struct {
		name, method, path, tenant, body string
		status                           int
		want                             string // the JSON body, or a substring of a problem
	}{
		{"greeting default", "GET", "/greeting", "", "", 200, `{"message":"Hello, world!","coldStart":false}`},
		{"greeting name", "GET", "/greeting?name=Ada", "", "", 200, `{"message":"Hello, Ada!","coldStart":false}`},
		{"greeting too long", "GET", "/greeting?name=" + strings.Repeat("a", 65), "", "", 400, `"detail":"name is longer than 64 characters"`},
		{"items", "GET", "/items", "acme", "", 200, `{"items":[{"id":"espresso","name":"Espresso","priceCents":250},{"id":"filter","name":"Filter coffee","priceCents":300},{"id":"flat-white","name":"Flat white","priceCents":380}]}`},
		{"items without tenant", "GET", "/items", "", "", 400, `the X-Tenant-Id header is missing`},
		{"item without tenant", "GET", "/items/filter", "", "", 400, `the X-Tenant-Id header is missing`},
		{"item bad tenant", "GET", "/items/filter", "a b", "", 400, `must be 1 to 128 printable characters without spaces`},
		{"item loaded", "GET", "/items/filter", "acme", "", 200, `{"id":"filter","name":"Filter coffee","priceCents":300,"cached":false}`},
		{"item cached", "GET", "/items/filter", "acme", "", 200, `{"id":"filter","name":"Filter coffee","priceCents":300,"cached":true}`},
		{"other tenant loads its own", "GET", "/items/filter", "globex", "", 200, `{"id":"filter","name":"Filter coffee","priceCents":300,"cached":false}`},
		{"unknown item", "GET", "/items/tea", "acme", "", 404, `"detail":"no item tea"`},
		{"post invalid lists every field", "POST", "/items", "acme", `{"id":"Tea!","priceCents":-1,"color":"green"}`, 400, `"detail":"the body does not match the schema item.schema.json"`},
		{"post not JSON", "POST", "/items", "acme", `{"id":`, 400, `the body is not valid JSON`},
		{"post too large", "POST", "/items", "acme", `{"name":"` + strings.Repeat("x", maxItemBytes) + `"}`, 413, `the body is over 4096 bytes`},
		{"post", "POST", "/items", "acme", `{"id":"tea","name":"Tea","priceCents":200}`, 201, `{"id":"tea","name":"Tea","priceCents":200}`},
		{"posted item replaces the remembered miss", "GET", "/items/tea", "acme", "", 200, `{"id":"tea","name":"Tea","priceCents":200,"cached":false}`},
		{"posted item is the tenant's only", "GET", "/items/tea", "globex", "", 404, `"detail":"no item tea"`},
		{"unknown route", "GET", "/orders", "", "", 404, `"detail":"no route GET /orders"`},
		{"wrong method", "DELETE", "/items", "acme", "", 405, `"detail":"/items answers GET, POST"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(context.Background(), tt.method, tt.path, strings.NewReader(tt.body))
			if tt.tenant != "" {
				req.Header.Set(TenantHeader, tt.tenant)
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := strings.TrimSpace(rec.Body.String())
			if rec.Code != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("got %d %s, want %d %s", rec.Code, body, tt.status, tt.want)
			}
			ct := rec.Header().Get("Content-Type")
			switch {
			case rec.Code < 400 && (ct != "application/json" || body != tt.want):
				t.Fatalf("success answer %q (%s), want exactly %s as application/json", body, ct, tt.want)
			case rec.Code >= 400 && ct != lift.ProblemContentType:
				t.Fatalf("error answer content type %q, want %s", ct, lift.ProblemContentType)
			case !json.Valid(rec.Body.Bytes()):
				t.Fatalf("not JSON: %s", body)
			}
			if tt.status == 201 && rec.Header().Get("Location") != "/items/tea" {
				t.Fatalf("Location %q", rec.Header().Get("Location"))
			}
		})
	}
	if got := a.Served(); got != int64(len(tests)) {
		t.Fatalf("Served() = %d, want %d", got, len(tests))
	}
}

// TestPostViolations checks every schema violation is listed with its pointer.
func TestPostViolations(t *testing.T) {
	req := httptest.NewRequest("POST", "/items", strings.NewReader(`{"id":"Tea!","priceCents":-1,"color":"green"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TenantHeader, "acme")
	rec := httptest.NewRecorder()
	newTestAPI(t).Routes().ServeHTTP(rec, req)
	var p lift.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 400 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	pointers := map[string]bool{}
	for _, e := range p.Errors {
		pointers[e.Pointer] = true
	}
	// name missing and color extra are violations of the object itself (pointer "").
	if !pointers["/id"] || !pointers["/priceCents"] || !pointers[""] {
		t.Fatalf("violations %+v: want /id, /priceCents and the object's own", p.Errors)
	}
}

// TestListCachedPerTenantAndInvalidated checks GET /items answers come from
// the response cache per tenant, and a POST drops the tenant's.
func TestListCachedPerTenantAndInvalidated(t *testing.T) {
	h := newTestAPI(t).Routes()
	do := func(method, tenant, body string) string {
		req := httptest.NewRequest(method, "/items", strings.NewReader(body))
		req.Header.Set(TenantHeader, tenant)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Header().Get("X-Cache")
	}
	for i, step := range []struct{ method, tenant, body, want string }{
		{"GET", "acme", "", "miss"}, {"GET", "acme", "", "hit"}, {"GET", "globex", "", "miss"},
		{"POST", "acme", `{"id":"tea","name":"Tea","priceCents":200}`, ""},
		{"GET", "acme", "", "miss"}, {"GET", "globex", "", "hit"},
	} {
		if got := do(step.method, step.tenant, step.body); got != step.want {
			t.Fatalf("step %d %s %s: X-Cache %q, want %q", i+1, step.method, step.tenant, got, step.want)
		}
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
