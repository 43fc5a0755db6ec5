package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestHTTPPayload: --http, --data and --header make the HTTP API event API
// Gateway would send; malformed flags are usage errors.
func TestHTTPPayload(t *testing.T) {
	body := filepath.Join(t.TempDir(), "order.json")
	if err := os.WriteFile(body, []byte(`{"sku":"espresso"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := eventFlags{http: "post /orders?dry=1", data: "@" + body, headers: []string{"X-Tenant: acme"}}
	b, err := e.payload(nil)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != "2.0" || ev.RequestContext.HTTP.Method != "POST" || ev.RawPath != "/orders" || ev.RawQueryString != "dry=1" ||
		ev.Body != `{"sku":"espresso"}` || ev.Headers["content-type"] != "application/json" || ev.Headers["x-tenant"] != "acme" {
		t.Fatalf("event = %+v", ev)
	}
	for _, bad := range []eventFlags{
		{http: "/orders"},
		{http: "GET orders"},
		{http: "GET /x", headers: []string{"no colon"}},
		{data: "x"},
		{http: "POST /x", data: "@" + filepath.Join(t.TempDir(), "missing.json")},
	} {
		if _, err := bad.payload(nil); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
