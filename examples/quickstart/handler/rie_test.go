package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/health"
	"github.com/liftcdk/lift/runtime/lift"
)

// TestUnderEmulator runs the built handler the Lambda way, under the Runtime
// Interface Emulator: a warm-up (the cold start), a real request, a health
// report, then SIGTERM, after which the shutdown hook must have run.
func TestUnderEmulator(t *testing.T) {
	bootstrap := testsvc.BuildHandler(t, "./examples/quickstart/handler")
	fn := testsvc.RIE(t, testsvc.RIEOptions{
		Bootstrap:    bootstrap,
		FunctionName: "quickstart",
		Env:          map[string]string{"LIFT_SERVICE": "quickstart", "LIFT_LOG_LEVEL": "info"},
		Timeout:      10 * time.Second,
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	invoke := func(payload string, into any) {
		t.Helper()
		body := fn.MustInvoke(t, ctx, payload)
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("invoke %s: answer %s is not the expected JSON: %v", payload, body, err)
		}
	}

	var warm lift.WarmupResponse
	invoke(`{"lift":"warmup","round":"t1"}`, &warm)
	if !warm.ColdStart || warm.InstanceID == "" || warm.Round != "t1" || len(warm.Hooks) != 2 ||
		warm.Hooks[0].Name != "catalog" || warm.Hooks[1].Name != "cache" || warm.Hooks[1].Error != "" {
		t.Fatalf("warm-up answer %+v: want a cold start with the catalog and cache hooks", warm)
	}

	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	invoke(`{"rawPath":"/greeting","rawQueryString":"name=Ada","queryStringParameters":{"name":"Ada"},"requestContext":{"http":{"method":"GET"}}}`, &resp)
	if resp.StatusCode != 200 || resp.Body != `{"message":"Hello, Ada!","coldStart":false}` {
		t.Fatalf("greeting answer %+v: want 200 and a warm (not cold) greeting", resp)
	}

	// Memory-only here (no LIFT_CACHE_KIND): the first read loads, the second is a hit.
	for i, want := range []string{
		`{"id":"espresso","name":"Espresso","priceCents":250,"cached":false}`,
		`{"id":"espresso","name":"Espresso","priceCents":250,"cached":true}`,
	} {
		invoke(`{"rawPath":"/items/espresso","headers":{"x-tenant-id":"acme"},"requestContext":{"http":{"method":"GET"}}}`, &resp)
		if resp.StatusCode != 200 || resp.Body != want {
			t.Fatalf("item read %d: %+v, want 200 %s", i+1, resp, want)
		}
	}

	var report health.Response
	invoke(`{"lift":"health"}`, &report)
	if report.Status != health.StatusPass || len(report.Checks["catalog"]) != 1 {
		t.Fatalf("health answer %+v: want pass with the catalog check", report)
	}

	fn.Terminate(t)
	if logs := fn.Logs(); !strings.Contains(logs, "shutdown hook ran") {
		t.Fatalf("shutdown hook did not run; logs:\n%s", logs)
	}
}
