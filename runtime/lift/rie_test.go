package lift_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestUnderRIE runs a real handler binary built with lift.Start under the
// Lambda Runtime Interface Emulator, which (unlike Lambda) leaves
// AWS_LAMBDA_INITIALIZATION_TYPE unset: warm-up (still the cold start), a
// request (warm), a panic, a response over Lambda's 6 MB limit and a handler
// error (the process keeps serving all three), a forged control event
// (refused: control auth is required), health, then SIGTERM and the shutdown
// hooks.
func TestUnderRIE(t *testing.T) {
	bootstrap := testsvc.BuildHandler(t, "./runtime/lift/testdata/rieapp")
	const token = "rie-control-token"
	tokenHash := sha256.Sum256([]byte(token))
	rie := testsvc.RIE(t, testsvc.RIEOptions{
		Bootstrap: bootstrap,
		Env: map[string]string{
			contract.EnvService: "greeter",
			// The helper sets it as Lambda does; empty is what lift reads when unset.
			"AWS_LAMBDA_INITIALIZATION_TYPE": "",
			contract.EnvControlAuth:          contract.ControlAuthRequired,
			contract.EnvControlTokenSHA256:   hex.EncodeToString(tokenHash[:]),
		},
		Timeout: 10 * time.Second,
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	invoke := func(payload string) []byte { t.Helper(); return rie.MustInvoke(t, ctx, payload) }

	var w contract.WarmupResponse
	if err := json.Unmarshal(invoke(`{"lift":"warmup","holdMs":20,"round":"t1","token":"`+token+`"}`), &w); err != nil {
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

	if body := string(invoke(fmt.Sprintf(`{"name":"big","pad":%d}`, 7<<20))); !strings.Contains(body, `"errorType":"Function.ResponseSizeTooLarge"`) ||
		!strings.Contains(body, "over Lambda's limit") {
		t.Fatalf("a response over 6 MB must be answered as a function error, got %.300s", body)
	}
	if body := string(invoke(`{"name":""}`)); !strings.Contains(body, `"errorMessage":"name is required"`) {
		t.Fatalf("handler error: %s", body)
	}

	if body := string(invoke(`{"lift":"warmup","holdMs":5000,"token":"guess"}`)); !strings.Contains(body, `"errorType":"Lift.ControlEventRefused"`) {
		t.Fatalf("a forged warm-up must be refused: %s", body)
	}

	var h contract.HealthResponse
	if err := json.Unmarshal(invoke(`{"lift":"health","token":"`+token+`"}`), &h); err != nil || h.Status != "pass" || h.InstanceID != w.InstanceID || h.ServiceID != "greeter" {
		t.Fatalf("health after the panic, the oversized response and the error must come from the same process: %+v %v", h, err)
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
	for _, want := range []string{`"msg":"lift: shutdown complete"`, `"requestId"`, `"coldStart":true`, `"Warmups":1`, `"HandlerPanics":1`, `"ControlRefused":1`,
		`"level":"ERROR","msg":"lift: response too large; answered with an error and kept serving"`,
		`"level":"ERROR","msg":"lift: handler returned an error","instanceId":"` + w.InstanceID + `","service":"greeter","requestId":"`,
		`"errorType":"errorString","errorMessage":"name is required"}`} {
		if !strings.Contains(logs, want) {
			t.Fatalf("logs must contain %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, `"msg":"{\"errorMessage\"`) {
		t.Fatalf("aws-lambda-go's escaped INFO copy of the error must not be logged:\n%s", logs)
	}
}
