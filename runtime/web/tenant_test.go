package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
)

func TestTenantSources(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := TenantFrom(r.Context())
		fmt.Fprintf(w, "%s %v", id, ok)
	})
	header := Tenant(TenantHeader("X-Tenant-Id"))(echo)
	for _, c := range []struct {
		value  string
		status int
		body   string
	}{
		{"acme", 200, "acme true"},
		{"", 400, ""},
		{"a b", 400, ""},
		{strings.Repeat("x", 129), 400, ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Tenant-Id", c.value)
		w := httptest.NewRecorder()
		header.ServeHTTP(w, r)
		if w.Code != c.status || c.body != "" && w.Body.String() != c.body || c.status != 200 && w.Header().Get("Content-Type") != lift.ProblemContentType {
			t.Fatalf("%q: %d %s", c.value, w.Code, w.Body)
		}
	}

	mux := http.NewServeMux()
	mux.Handle("GET /t/{tenant}/items", Tenant(TenantPathValue("tenant"))(echo))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/t/globex/items", nil))
	if w.Body.String() != "globex true" {
		t.Fatalf("path value: %s", w.Body)
	}

	optional := Tenant(TenantHeader("X-Tenant-Id"), TenantOptional())(echo)
	w = httptest.NewRecorder()
	optional.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || w.Body.String() != " false" {
		t.Fatalf("optional: %d %s", w.Code, w.Body)
	}
}

// TestTenantClaimThroughLift sends the HTTP API fixture, whose JWT
// authorizer carries custom:tenant, through Lift's adapter.
func TestTenantClaimThroughLift(t *testing.T) {
	var logs strings.Builder
	var emf strings.Builder
	w := metrics.New(&emf, "T")
	mux := http.NewServeMux()
	mux.Handle("GET /items/{id}", Tenant(TenantClaim("custom:tenant"), WithTenantMetric(w))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lift.Logger(r.Context()).Info("reading item")
		id, _ := TenantFrom(r.Context())
		_, _ = io.WriteString(w, id)
	})))
	h, err := lift.NewHTTPHandler(mux, lift.WithLogWriter(&logs), lift.WithMetrics(w))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := os.ReadFile(filepath.Join("..", "lift", "testdata", "http", "apigateway-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "r1"})
	raw, err := h.Invoke(ctx, payload)
	if err != nil || !strings.Contains(string(raw), `"body":"acme"`) {
		t.Fatalf("%s %v", raw, err)
	}
	if !strings.Contains(logs.String(), `"msg":"reading item"`) || !strings.Contains(logs.String(), `"tenant":"acme"`) {
		t.Fatalf("every log line must carry the tenant:\n%s", logs.String())
	}
	if !strings.Contains(emf.String(), `"Tenant":"acme"`) || !strings.Contains(emf.String(), MetricTenantRequests) {
		t.Fatalf("tenant metric: %s", emf.String())
	}
	// The function URL fixture has no such claim: 401.
	payload, _ = os.ReadFile(filepath.Join("..", "lift", "testdata", "http", "function-url.json"))
	raw, _ = h.Invoke(ctx, payload)
	var resp struct{ StatusCode int }
	_ = json.Unmarshal(raw, &resp)
	if resp.StatusCode != 401 {
		t.Fatalf("missing claim: %s", raw)
	}
}

// TestTenantsDoNotShareCachedAnswers: the same path for two tenants is two
// entries, whether the cache is a Scope (tenant scopes) or not (tenant in
// the key); TenantScope gives handlers the same isolation.
func TestTenantsDoNotShareCachedAnswers(t *testing.T) {
	mem := newMemory(t)
	scope, err := cache.NewScope(mem, "items")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]cache.Cache{"scope": scope, "plain": mem} {
		t.Run(name, func(t *testing.T) {
			h := Tenant(TenantHeader("X-Tenant-Id"))(ResponseCache(c)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id, _ := TenantFrom(r.Context())
				w.Header().Set("Cache-Control", "max-age=60")
				_, _ = io.WriteString(w, "for "+id)
			})))
			for _, tenant := range []string{"acme", "globex", "acme"} {
				w := serve(h, "GET", "/items/"+name, "X-Tenant-Id", tenant)
				if w.Body.String() != "for "+tenant {
					t.Fatalf("tenant %s got %q", tenant, w.Body)
				}
			}
		})
	}
	ctx := context.WithValue(context.Background(), tenantKey{}, "acme")
	ts, err := TenantScope(ctx, scope)
	if err != nil || ts.TenantID() != "acme" {
		t.Fatalf("%v %v", ts, err)
	}
	if _, err := TenantScope(context.Background(), scope); err == nil || errors.Is(err, nil) {
		t.Fatal("no tenant must be an error, never the service scope")
	}
}
