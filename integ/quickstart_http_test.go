package integ

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
)

// httpKinds are the event fixtures of each kind lift.StartHTTP translates,
// in AWS's documented shapes (runtime/lift/testdata/http): each is GET
// /items/42 for tenant acme, which the test points at a quickstart item.
var httpKinds = []string{"apigateway-v1.json", "apigateway-v2.json", "function-url.json", "alb.json", "alb-multivalue.json"}

// httpAnswer is any HTTP event kind's response, as the runtime wrote it.
type httpAnswer struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
}

func (a httpAnswer) header(name string) string {
	for k, v := range a.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, v := range a.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// checkQuickstartHTTP deploys the quickstart's synthesized assembly again
// (no second synth) and sends real HTTP requests through lift.StartHTTP:
// every event kind under the emulator with the deployed configuration, then
// local mode over a real socket, all against the same deployed DynamoDB tier.
func checkQuickstartHTTP(t *testing.T, ctx context.Context, assembly, functionID string) {
	cloud := testsvc.Deploy(t, ctx, localcloud.Options{App: assembly})
	fn, err := cloud.Function(ctx, functionID)
	if err != nil {
		t.Fatal(err)
	}
	rie := testsvc.Emulate(t, cloud, fn, nil)
	invoke := func(event []byte) httpAnswer {
		t.Helper()
		var a httpAnswer
		if raw := rie.MustInvoke(t, ctx, string(event)); json.Unmarshal(raw, &a) != nil || a.StatusCode == 0 {
			t.Fatalf("answer %s is not an HTTP response", raw)
		}
		return a
	}

	t.Run("every event kind answers the same", func(t *testing.T) {
		root := testsvc.Root(t)
		for i, kind := range httpKinds {
			raw, err := os.ReadFile(filepath.Join(root, "runtime", "lift", "testdata", "http", kind))
			if err != nil {
				t.Fatal(err)
			}
			event := bytes.ReplaceAll(raw, []byte("/items/42"), []byte("/items/flat-white"))
			a := invoke(bytes.ReplaceAll(event, []byte(`"id": "42"`), []byte(`"id": "flat-white"`)))
			// The first request loads the item into acme's scope; every later one, of any kind, is a cache hit.
			want := `{"id":"flat-white","name":"Flat white","priceCents":380,"cached":` + map[bool]string{true: "false", false: "true"}[i == 0] + `}`
			if a.StatusCode != http.StatusOK || a.Body != want || a.header("Content-Type") != "application/json" {
				t.Errorf("%s: %d %s (%s), want 200 %s as application/json", kind, a.StatusCode, a.Body, a.header("Content-Type"), want)
			}
		}
	})

	t.Run("validated POST, then the tenant's item", func(t *testing.T) {
		bad := invoke(v2Event("POST", "/items", "acme", `{"id":"Tea!","priceCents":-1}`))
		var p struct {
			Status int
			Errors []struct{ Pointer string }
		}
		if err := json.Unmarshal([]byte(bad.Body), &p); err != nil || bad.StatusCode != 400 || p.Status != 400 || len(p.Errors) != 3 ||
			bad.header("Content-Type") != "application/problem+json" {
			t.Fatalf("invalid POST: %d %s, want a 400 problem listing the missing name, /id and /priceCents", bad.StatusCode, bad.Body)
		}
		if a := invoke(v2Event("POST", "/items", "acme", `{"id":"tea","name":"Tea","priceCents":200}`)); a.StatusCode != 201 || a.header("Location") != "/items/tea" {
			t.Fatalf("POST: %d %s (Location %q), want 201 at /items/tea", a.StatusCode, a.Body, a.header("Location"))
		}
		if a := invoke(v2Event("GET", "/items/tea", "acme", "")); a.StatusCode != 200 || a.Body != `{"id":"tea","name":"Tea","priceCents":200,"cached":false}` {
			t.Fatalf("GET the posted item: %d %s", a.StatusCode, a.Body)
		}
		if a := invoke(v2Event("GET", "/items/tea", "globex", "")); a.StatusCode != 404 {
			t.Fatalf("another tenant read acme's item: %d %s", a.StatusCode, a.Body)
		}
		if a := invoke(v2Event("GET", "/items/tea", "", "")); a.StatusCode != 400 {
			t.Fatalf("no tenant: %d %s, want 400", a.StatusCode, a.Body)
		}
	})

	t.Run("local mode over a socket", func(t *testing.T) {
		local, err := cloud.RunLocal(fn, nil)
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, path, tenant, body string) (int, string, http.Header) {
			t.Helper()
			req, err := http.NewRequestWithContext(ctx, method, local.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if tenant != "" {
				req.Header.Set("X-Tenant-Id", tenant)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", method, path, err, local.Logs())
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b), resp.Header
		}
		// Another process with an empty memory tier: acme's item comes from the deployed DynamoDB tier.
		if code, body, h := do("GET", "/items/flat-white", "acme", ""); code != 200 || h.Get("Content-Type") != "application/json" ||
			body != `{"id":"flat-white","name":"Flat white","priceCents":380,"cached":true}` {
			t.Errorf("GET /items/flat-white: %d %s", code, body)
		}
		if code, body, _ := do("GET", "/greeting?name=Ada", "", ""); code != 200 || !strings.Contains(body, `"message":"Hello, Ada!"`) {
			t.Errorf("GET /greeting: %d %s", code, body)
		}
		// A tenant's list answer: stored by the response cache on the first GET, served on the second.
		for _, want := range []string{"miss", "hit"} {
			if code, body, h := do("GET", "/items", "initech", ""); code != 200 || h.Get("X-Cache") != want || !strings.Contains(body, `"id":"espresso"`) {
				t.Errorf("GET /items: %d %s X-Cache %q, want %s", code, body, h.Get("X-Cache"), want)
			}
		}
		if code, body, h := do("POST", "/items", "acme", `{"name":""}`); code != 400 || h.Get("Content-Type") != "application/problem+json" ||
			!strings.Contains(body, `"pointer":"/name"`) || h.Get("X-Request-Id") == "" {
			t.Errorf("invalid POST: %d %s %v", code, body, h)
		}
		if code, body, _ := do("POST", "/2015-03-31/functions/function/invocations", "", `{"lift":"health"}`); code != 200 || !strings.Contains(body, `"status":"pass"`) {
			t.Errorf("the invocation path beside the routes: %d %s", code, body)
		}
		if !local.Close() || !strings.Contains(local.Logs(), "shutdown hook ran") {
			t.Errorf("SIGTERM must run the shutdown hooks and exit:\n%s", local.Logs())
		}
	})
}

// v2Event is an API Gateway HTTP API (payload 2.0) request for the quickstart.
func v2Event(method, path, tenant, body string) []byte {
	headers := map[string]string{"content-type": "application/json"}
	if tenant != "" {
		headers["x-tenant-id"] = tenant
	}
	b, _ := json.Marshal(events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, Headers: headers, Body: body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "integ-" + method, Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}) // plain struct: cannot fail
	return b
}
