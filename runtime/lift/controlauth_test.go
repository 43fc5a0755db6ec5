package lift

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/liftcdk/lift/internal/contract"
)

const testToken = "warmer-token-7f3a"

func tokenEnv(mode string) map[string]string {
	sum := sha256.Sum256([]byte(testToken))
	env := maps.Clone(onDemand)
	env[contract.EnvControlTokenSHA256] = hex.EncodeToString(sum[:])
	if mode != "" {
		env[contract.EnvControlAuth] = mode
	}
	return env
}

func TestHealthAnswerCarriesNoErrorText(t *testing.T) {
	te := newTestHandler(t, onDemand, neverCalled(t),
		WithHealthCheck("db", func(context.Context) error {
			return errors.New("dial tcp orders-db.internal:5432: password authentication failed for user \"svc_orders\"")
		}),
		WithHealthCheck("self", func(context.Context) error { return nil }))
	out, err := te.h.Invoke(invocation(t, "h", time.Second), []byte(`{"lift":"health"}`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "svc_orders") || strings.Contains(string(out), "orders-db") || strings.Contains(string(out), `"output"`) {
		t.Fatalf("the health answer must carry names and statuses only: %s", out)
	}
	var r contract.HealthResponse
	if err := json.Unmarshal(out, &r); err != nil || r.Status != contract.StatusFail || r.Checks["db"][0].Status != contract.StatusFail || r.Checks["self"][0].Status != contract.StatusPass {
		t.Fatalf("names and statuses must stay: %s %v", out, err)
	}
	if l := te.logs.logsWith(t, "lift: health fail"); len(l) != 1 || !strings.Contains(te.logs.String(), "svc_orders") {
		t.Fatalf("the detail must go to the log: %s", te.logs.String())
	}
}

func TestControlAuthOptional(t *testing.T) {
	for name, env := range map[string]map[string]string{"no hash": onDemand, "hash": tokenEnv(""), "hash, optional": tokenEnv(contract.ControlAuthOptional)} {
		t.Run(name, func(t *testing.T) {
			te := newTestHandler(t, env, neverCalled(t))
			for _, payload := range []string{`{"lift":"warmup","holdMs":400}`, `{"lift":"warmup","holdMs":400,"token":"forged"}`} {
				out, err := te.h.Invoke(invocation(t, "w", 5*time.Second), []byte(payload))
				if err != nil {
					t.Fatal(err)
				}
				if r := warmupResponse(t, out); r.HeldMs < 80 || r.HeldMs > 300 {
					t.Fatalf("%s: an unauthenticated warm-up must be answered with its hold capped at %v, held %dms", payload, unauthenticatedHold, r.HeldMs)
				}
			}
			if _, err := te.h.Invoke(invocation(t, "h", time.Second), []byte(`{"lift":"health"}`)); err != nil {
				t.Fatalf("optional answers unauthenticated health events: %v", err)
			}
		})
	}
	te := newTestHandler(t, tokenEnv(""), neverCalled(t))
	out, err := te.h.Invoke(invocation(t, "w", 5*time.Second), []byte(`{"lift":"warmup","holdMs":400,"token":"`+testToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := warmupResponse(t, out); r.HeldMs < 350 {
		t.Fatalf("an authenticated warm-up holds as asked, held %dms", r.HeldMs)
	}
}

func TestControlAuthRequired(t *testing.T) {
	var calls int
	te := newTestHandler(t, tokenEnv(contract.ControlAuthRequired), func(ctx context.Context, o order) (receipt, error) {
		calls++
		return orderHandler(ctx, o)
	})
	for _, payload := range []string{`{"lift":"warmup","holdMs":5000}`, `{"lift":"health"}`, `{"lift":"warmup","token":"forged"}`, `{"lift":"health","token":""}`} {
		out, err := te.h.Invoke(invocation(t, "x", 5*time.Second), []byte(payload))
		ive, ok := errors.AsType[messages.InvokeResponse_Error](err)
		if out != nil || !ok || ive.Type != controlRefusedType || strings.Contains(ive.Message, "LIFT_") {
			t.Fatalf("%s: want a refusal that names no setting, got %s %v", payload, out, err)
		}
	}
	if calls != 0 {
		t.Fatal("a refused control event must never reach the handler")
	}
	if l := te.logs.logsWith(t, "control event refused"); len(l) != 4 || l[0]["level"] != "WARN" || l[0]["event"] != "warmup" || l[0]["tokenPresent"] != false || l[2]["tokenPresent"] != true {
		t.Fatalf("refusals must be logged at WARN: %v", l)
	}
	if got := te.metrics.metricTotal(t, contract.MetricControlRefused); got != 4 {
		t.Fatalf("%s = %v, want 4", contract.MetricControlRefused, got)
	}
	if strings.Contains(te.logs.String(), "forged") {
		t.Fatal("a presented token must not be logged")
	}
	for _, payload := range []string{`{"lift":"warmup","holdMs":20,"token":"` + testToken + `"}`, `{"lift":"health","token":"` + testToken + `"}`} {
		if _, err := te.h.Invoke(invocation(t, "ok", 5*time.Second), []byte(payload)); err != nil {
			t.Fatalf("%s: an authenticated control event is answered: %v", payload, err)
		}
	}
	if _, err := te.h.Invoke(invocation(t, "biz", time.Second), []byte(`{"id":"o1","qty":1}`)); err != nil || calls != 1 {
		t.Fatalf("business events are not control events: %v", err)
	}
}

func TestControlAuthConfigErrors(t *testing.T) {
	hash := tokenEnv("")[contract.EnvControlTokenSHA256]
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"unknown mode", map[string]string{contract.EnvControlAuth: "strict", contract.EnvControlTokenSHA256: hash}, []string{"LIFT_CONTROL_AUTH", `"strict"`, "optional", "required"}},
		{"required without hash", map[string]string{contract.EnvControlAuth: "required"}, []string{"LIFT_CONTROL_AUTH=required", "LIFT_CONTROL_TOKEN_SHA256 is unset"}},
		{"hash not hex", map[string]string{contract.EnvControlTokenSHA256: strings.Repeat("z", 64)}, []string{"LIFT_CONTROL_TOKEN_SHA256", "64 hex digits"}},
		{"hash too short", map[string]string{contract.EnvControlTokenSHA256: hash[:62]}, []string{"LIFT_CONTROL_TOKEN_SHA256", "sha256sum"}},
		{"hash too long", map[string]string{contract.EnvControlTokenSHA256: hash + "00"}, []string{"LIFT_CONTROL_TOKEN_SHA256"}},
		{"the token itself", map[string]string{contract.EnvControlTokenSHA256: testToken}, []string{"LIFT_CONTROL_TOKEN_SHA256", "SHA-256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newHandler(orderHandler, func(k string) string { return tt.env[k] })
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("want ErrInvalidConfig, got %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q must mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("the error must not repeat a token: %v", err)
			}
		})
	}
	upper := strings.ToUpper(hash)
	te := newTestHandler(t, map[string]string{contract.EnvControlTokenSHA256: upper, contract.EnvControlAuth: "required"}, neverCalled(t))
	if _, err := te.h.Invoke(invocation(t, "ok", time.Second), []byte(`{"lift":"health","token":"`+testToken+`"}`)); err != nil {
		t.Fatalf("an upper-case hex hash is the same hash: %v", err)
	}
}
