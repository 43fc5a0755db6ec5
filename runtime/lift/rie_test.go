package lift_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestUnderRIE runs a real handler binary built with lift.Start under the
// Lambda Runtime Interface Emulator: warm-up (cold), a request (warm), a
// panic (the process keeps serving), health, then SIGTERM and the shutdown
// hooks.
func TestUnderRIE(t *testing.T) {
	bootstrap := testsvc.BuildHandler(t, "./runtime/lift/testdata/rieapp")
	rie := testsvc.RIE(t, testsvc.RIEOptions{
		Bootstrap: bootstrap,
		Env:       map[string]string{contract.EnvService: "greeter"},
		Timeout:   10 * time.Second,
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	invoke := func(payload string) []byte { t.Helper(); return rie.MustInvoke(t, ctx, payload) }

	var w contract.WarmupResponse
	if err := json.Unmarshal(invoke(`{"lift":"warmup","holdMs":20,"round":"t1"}`), &w); err != nil {
		t.Fatal(err)
	}
	if !w.ColdStart || w.InitType != "on-demand" || w.Round != "t1" || len(w.InstanceID) != 32 || len(w.Hooks) != 1 || w.Hooks[0].Name != "prime" {
		t.Fatalf("first warm-up must be the cold start and run the hook: %+v", w)
	}

	var r struct {
		Message   string `json:"message"`
		ColdStart bool   `json:"coldStart"`
	}
	if err := json.Unmarshal(invoke(`{"name":"ada"}`), &r); err != nil || r.Message != "hello, ada" || r.ColdStart {
		t.Fatalf("request after warm-up: %+v %v", r, err)
	}

	if body := string(invoke(`{"name":"x","panic":true}`)); !strings.Contains(body, `"errorType":"HandlerPanic"`) {
		t.Fatalf("panic response: %s", body)
	}

	var h contract.HealthResponse
	if err := json.Unmarshal(invoke(`{"lift":"health"}`), &h); err != nil || h.Status != "pass" || h.InstanceID != w.InstanceID || h.ServiceID != "greeter" {
		t.Fatalf("health after the panic must come from the same process: %+v %v", h, err)
	}

	rie.Terminate(t)
	logs := rie.Logs()
	if testing.Verbose() {
		t.Log(logs)
	}
	first := strings.Index(logs, "rieapp: flush-last-registered ran")
	second := strings.Index(logs, "rieapp: close-first-registered ran")
	if first < 0 || second < 0 || first > second {
		t.Fatalf("shutdown hooks must run last-registered-first on SIGTERM; logs:\n%s", logs)
	}
	for _, want := range []string{`"msg":"lift: shutdown complete"`, `"requestId"`, `"coldStart":true`, `"Warmups":1`, `"HandlerPanics":1`} {
		if !strings.Contains(logs, want) {
			t.Fatalf("logs must contain %s:\n%s", want, logs)
		}
	}
}
