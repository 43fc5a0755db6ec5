package dev

import (
	"net/http/httptest"
	"path/filepath"
	"testing"
)

func TestWatcherRelevantFiles(t *testing.T) {
	w := &watcher{root: "/src/.hidden-parent/app"}
	for path, want := range map[string]bool{
		"handler/api.go":            true,
		"go.mod":                    true,
		"internal/greet/greet.go":   true,
		"handler/api_test.go":       false,
		"handler/testdata/event.go": false,
		"cdk.out/asset/main.go":     false,
		".lift/dev/bin/x.go":        false,
		"handler/.api.go.swp":       false,
		"handler/api.go~":           false,
		"handler/#api.go#":          false,
		"handler/4913":              false,
		"node_modules/x/y.go":       false,
		"handler/.#api.go":          false,
		"_scratch/try.go":           false,
	} {
		if got := w.relevant(filepath.Join(w.root, path)); got != want {
			t.Errorf("relevant(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestWatcherAffectedServices(t *testing.T) {
	orders, inventory := &service{fn: Function{Service: "orders"}}, &service{fn: Function{Service: "inventory"}}
	w := &watcher{root: "/app", dev: &Dev{services: []*service{orders, inventory}}, deps: map[*service][]string{
		orders:    {"/app/orders", "/app/internal/shared"},
		inventory: {"/app/inventory", "/app/internal/shared"},
	}}
	names := func(ss []*service) (out []string) {
		for _, s := range ss {
			out = append(out, s.fn.Service)
		}
		return out
	}
	for file, want := range map[string][]string{
		"/app/orders/orders.go":        {"orders"},
		"/app/internal/shared/a.go":    {"orders", "inventory"},
		"/app/go.sum":                  {"orders", "inventory"},
		"/app/tools/unrelated/tool.go": nil,
	} {
		got := names(w.affected(map[string]bool{file: true}))
		if len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) || (len(want) > 1 && got[1] != want[1]) {
			t.Errorf("a change of %s rebuilds %v, want %v", file, got, want)
		}
	}
}

func TestInvokedName(t *testing.T) {
	for path, want := range map[string]string{
		"/2015-03-31/functions/orders/invocations":                                                        "orders",
		"/2015-03-31/functions/orders:live/invocations":                                                   "orders",
		"/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:inventory:live/invocations": "inventory",
		"/2015-03-31/functions//invocations":                                                              "",
		"/2015-03-31/functions/orders/configuration":                                                      "",
	} {
		got, ok := invokedName(httptest.NewRequest("POST", path, nil))
		if got != want || ok != (want != "") {
			t.Errorf("invokedName(%s) = %q, %v; want %q", path, got, ok, want)
		}
	}
}
