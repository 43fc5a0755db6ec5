package lift

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestServeLocal(t *testing.T) {
	var rec recorder
	te := newTestHandler(t, map[string]string{"LIFT_SERVICE": "orders"}, func(ctx context.Context, o order) (receipt, error) {
		if o.ID == "boom" {
			panic("kaboom")
		}
		return orderHandler(ctx, o)
	}, OnShutdown("close", rec.hook("close")), OnWarmup("w", func(context.Context) error { return nil }))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- te.h.ServeLocal(ctx, ln, 5*time.Second) }()
	url := "http://" + ln.Addr().String() + InvocationPath

	post := func(body string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, body := post(`{"lift":"warmup"}`)
	var w struct {
		ColdStart  bool   `json:"coldStart"`
		InstanceID string `json:"instanceId"`
		InitType   string `json:"initType"`
	}
	if err := json.Unmarshal([]byte(body), &w); err != nil || resp.StatusCode != 200 || !w.ColdStart || w.InitType != "on-demand" || w.InstanceID != InstanceID() {
		t.Fatalf("warm-up: %d %s", resp.StatusCode, body)
	}
	resp, body = post(`{"id":"o1","qty":4}`)
	if resp.StatusCode != 200 || body != `{"id":"o1","total":40,"cold":false}` || resp.Header.Get("X-Amzn-RequestId") == "" {
		t.Fatalf("invoke: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = post(`{"id":"boom"}`)
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" ||
		!strings.Contains(body, `"errorType":"HandlerPanic"`) || !strings.Contains(body, `"errorMessage":"kaboom"`) {
		t.Fatalf("panic: %d %s", resp.StatusCode, body)
	}
	resp, body = post(`not json`)
	if resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || !strings.Contains(body, "errorMessage") {
		t.Fatalf("bad JSON must be a function error: %s", body)
	}
	badJSONRequest := resp.Header.Get("X-Amzn-RequestId")
	resp, body = post(`{"lift":"health"}`)
	if resp.StatusCode != 200 || !strings.Contains(body, `"status":"pass"`) {
		t.Fatalf("health: %s", body)
	}
	// Other function names are served too (a test router may use them).
	r2, err := http.Post("http://"+ln.Addr().String()+"/2015-03-31/functions/orders/invocations", "application/json", bytes.NewReader([]byte(`{"id":"o2","qty":1}`)))
	if err != nil || r2.StatusCode != 200 {
		t.Fatalf("named function: %v %v", r2, err)
	}
	r2.Body.Close()
	if r, err := http.Get(url); err != nil || r.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET must be refused: %v %v", r, err)
	}

	stop() // as SIGINT/SIGTERM does in Start
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("ServeLocal: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeLocal did not return after its context ended")
	}
	if got := rec.got(); len(got) != 1 || got[0] != "close" {
		t.Fatalf("shutdown hooks must run when local mode stops: %v", got)
	}
	if _, err := http.Post(url, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Fatal("the server must be closed")
	}
	if l := te.logs.logsWith(t, "handler panicked"); len(l) != 1 || l[0]["requestId"] == nil {
		t.Fatalf("panic log line must carry the local request id: %v", l)
	}
	if l := te.logs.logsWith(t, "handler returned an error"); len(l) != 1 || l[0]["level"] != "ERROR" ||
		l[0]["requestId"] != badJSONRequest || l[0]["errorType"] != "SyntaxError" || l[0]["errorMessage"] == nil {
		t.Fatalf("a function error must be logged at ERROR with requestId %s, errorType and errorMessage: %v", badJSONRequest, l)
	}
}

func TestLocalEnv(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if a, err := localAddr(get); err != nil || a != "127.0.0.1:8080" {
		t.Fatalf("default addr %q %v", a, err)
	}
	env["LIFT_LOCAL_ADDR"] = "localhost"
	if _, err := localAddr(get); err == nil || !strings.Contains(err.Error(), `LIFT_LOCAL_ADDR="localhost"`) {
		t.Fatalf("bad addr must be named: %v", err)
	}
	env["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "3s"
	if _, err := localTimeout(get); err == nil || !strings.Contains(err.Error(), "AWS_LAMBDA_FUNCTION_TIMEOUT") {
		t.Fatalf("bad timeout must be named: %v", err)
	}
	env["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "30"
	if d, err := localTimeout(get); err != nil || d != 30*time.Second {
		t.Fatalf("timeout %v %v", d, err)
	}
}

// TestLocalInvokedFunctionARN: an invocation addressed by ARN (as discovery
// calls another service) sees that ARN, not a local ARN wrapped around it.
func TestLocalInvokedFunctionARN(t *testing.T) {
	te := newTestHandler(t, nil, func(ctx context.Context, _ struct{}) (string, error) {
		lc, _ := lambdacontext.FromContext(ctx)
		return lc.InvokedFunctionArn, nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = te.h.ServeLocal(ctx, ln, 5*time.Second) }()
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:inventory:live"
	for name, want := range map[string]string{
		url.PathEscape(arn): arn, // as the AWS SDK sends it
		"inventory":         "arn:aws:lambda:local:000000000000:function:inventory",
	} {
		resp, err := http.Post("http://"+ln.Addr().String()+"/2015-03-31/functions/"+name+"/invocations", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := strings.Trim(string(b), `"`); got != want {
			t.Errorf("invoked as %s: InvokedFunctionArn %q, want %q", name, got, want)
		}
	}
}
