package main_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"
)

// devSpan and devTrace are the parts of /api/traces/{id} the tests read.
type devSpan struct {
	SpanID, ParentID, Service, Name, Kind, Error string
	Attributes                                   map[string]any
}

type devTrace struct {
	ID, Root, Service, Status string
	Services                  []string
	SpanCount                 int
	Spans                     []devSpan
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp.StatusCode
}

// tracesOf polls lift dev's /api/traces until want traces have spans of
// every service in services (each process writes its spans as its
// invocation ends), and returns them, newest first, with their spans.
func tracesOf(t *testing.T, dashboard string, want int, services ...string) []devTrace {
	t.Helper()
	var list []devTrace
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		list = nil
		getJSON(t, dashboard+"api/traces", &list)
		complete := len(list) == want
		for _, tr := range list {
			for _, s := range services {
				complete = complete && slices.Contains(tr.Services, s)
			}
		}
		if complete {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/api/traces: %+v; want %d traces with spans of %v", list, want, services)
		}
	}
	for i, tr := range list {
		if code := getJSON(t, dashboard+"api/traces/"+tr.ID, &list[i]); code != http.StatusOK {
			t.Fatalf("/api/traces/%s: %d", tr.ID, code)
		}
	}
	return list
}

// span returns the trace's span of service named name.
func (tr devTrace) span(t *testing.T, service, name string) devSpan {
	t.Helper()
	for _, s := range tr.Spans {
		if s.Service == service && s.Name == name {
			return s
		}
	}
	t.Fatalf("trace %s has no %s span %q: %+v", tr.ID, service, name, tr.Spans)
	return devSpan{}
}

// checkOrderTrace checks the trace of one order: orders' invocation span,
// its discovery call to inventory, inventory's invocation span under that
// call, and inventory's cache spans under its invocation.
func checkOrderTrace(t *testing.T, tr devTrace) {
	t.Helper()
	if tr.Root != "orders" || tr.Service != "orders" || tr.Status != "ok" {
		t.Errorf("trace %s: root %q of %q, status %q; want orders' invocation, ok", tr.ID, tr.Root, tr.Service, tr.Status)
	}
	orders := tr.span(t, "orders", "orders")
	call := tr.span(t, "orders", "discovery.call")
	inventory := tr.span(t, "inventory", "inventory")
	if orders.Kind != "server" || orders.ParentID != "" {
		t.Errorf("orders' span %+v: want a server span at the root", orders)
	}
	if call.ParentID != orders.SpanID || call.Kind != "client" || call.Attributes["lift.discovery.service"] != "inventory" || call.Attributes["lift.discovery.breaker"] != "closed" {
		t.Errorf("discovery.call %+v: want a client span under orders' (%s) calling inventory, breaker closed", call, orders.SpanID)
	}
	if inventory.ParentID != call.SpanID || inventory.Kind != "server" {
		t.Errorf("inventory's span %+v: want a server span under the discovery call (%s): the trace context did not reach inventory", inventory, call.SpanID)
	}
	var caches int
	for _, s := range tr.Spans {
		if s.Name == "cache.get" {
			caches++
			if s.Service != "inventory" || s.ParentID != inventory.SpanID || s.Attributes["lift.cache.tier"] == nil {
				t.Errorf("cache span %+v: want inventory's, under its invocation (%s), with a tier", s, inventory.SpanID)
			}
		}
	}
	if caches == 0 {
		t.Errorf("trace %s has no cache spans: %+v", tr.ID, tr.Spans)
	}
}
