package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/localsvc"
)

// TestMultiServiceLocalDiscovery brings the multiservice example up with
// lift local up and invokes orders, which finds inventory through Cloud Map
// (moto, as the deploy registered it) and calls it through the local Lambda
// endpoint: a real discovery call between two local functions.
func TestMultiServiceLocalDiscovery(t *testing.T) {
	requireTools(t)
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	// An app folder of its own (the state goes there), running the example's app from the checkout.
	app := t.TempDir()
	cdkJSON := `{"app": "go -C ` + root + ` run ./examples/multiservice"}`
	if err := os.WriteFile(filepath.Join(app, "cdk.json"), []byte(cdkJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustLift(t, app, 0, "local", "up", "--json")
	t.Cleanup(func() { lift(t, app, nil, "local", "down") })
	var st struct{ Functions []struct{ Service string } }
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatal(err)
	}
	var services []string
	for _, f := range st.Functions {
		services = append(services, f.Service)
	}
	if s := strings.Join(services, ","); !strings.Contains(s, "orders") || !strings.Contains(s, "inventory") {
		t.Fatalf("local up started %v, want orders and inventory", services)
	}

	event := filepath.Join(app, "order.json")
	if err := os.WriteFile(event, []byte(`{"orderId":"o-1","sku":"widget","qty":2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := invokeJSON(t, app, "invoke", "orders", "--event", event, "--json")
	var answer struct {
		Accepted  bool
		Inventory struct {
			Service    string
			InstanceID string
			InStock    int
		}
	}
	if err := json.Unmarshal(out.Response, &answer); err != nil || !answer.Accepted || answer.Inventory.Service != "inventory" ||
		answer.Inventory.InstanceID == "" || answer.Inventory.InStock != 12 {
		t.Fatalf("orders answered %s (%v); want the order accepted with inventory's answer", out.Response, err)
	}
	// inventory served it in its own emulator: its log has the cold start and the invocation's REPORT.
	logs := mustLift(t, app, 0, "logs", "inventory", "--json")
	if !strings.Contains(logs.stdout, `"fields":{"Service":"inventory"},"metrics":{"ColdStart":1}`) || !strings.Contains(logs.stdout, `"message":"REPORT `) {
		t.Fatalf("inventory's log shows no invocation")
	}
	if r := mustLift(t, app, 0, "health"); !strings.Contains(r.stdout, "orders") || !strings.Contains(r.stdout, "inventory") {
		t.Fatalf("health has no row for both services")
	}
}
