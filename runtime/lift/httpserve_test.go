package lift

import (
	"bytes"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

func TestRunMode(t *testing.T) {
	for _, c := range []struct {
		mode, api string
		isHTTP    bool
		want      string
		bad       bool
	}{
		{"", "", false, contract.ModeLocal, false},
		{"", "127.0.0.1:9001", false, contract.ModeLambda, false},
		{"server", "", true, contract.ModeServer, false},
		{"server", "", false, "", true},
		{"lambda", "", true, "", true},
		{"local", "127.0.0.1:9001", false, contract.ModeLocal, false},
		{"container", "", true, "", true},
	} {
		env := map[string]string{contract.EnvMode: c.mode, envRuntimeAPI: c.api}
		got, err := runMode(func(k string) string { return env[k] }, c.isHTTP)
		if got != c.want || (err != nil) != c.bad || (err != nil && !errors.Is(err, ErrInvalidConfig)) {
			t.Errorf("%+v: %q %v", c, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), contract.EnvMode) {
			t.Errorf("the error must name %s: %v", contract.EnvMode, err)
		}
	}
}

// TestServerModeProcess runs the StartHTTP binary with LIFT_MODE=server: it
// warms up before serving, answers requests and /healthz, and on SIGTERM
// drains, runs the shutdown hooks and exits 0.
func TestServerModeProcess(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./runtime/lift/testdata/httpapp")
	addr := freeLoopbackAddr(t)
	p := startProcess(t, bin, "LIFT_MODE=server", "LIFT_LOCAL_ADDR="+addr, "LIFT_SERVICE=items")
	if !strings.Contains(p.out.String(), `"msg":"lift: warm-up"`) || !strings.Contains(p.out.String(), `"prime"`) {
		t.Fatalf("server mode must run the warm-up hooks before serving:\n%s", p.out.String())
	}
	health := doHTTP(t, mustRequest(t, "GET", "http://"+addr+contract.HealthPath, ""), p)
	if health.Status != 200 || health.Header.Get("Content-Type") != "application/health+json" || !bytes.Contains(health.Body, []byte(`"status":"pass"`)) || !bytes.Contains(health.Body, []byte(`"items"`)) {
		t.Fatalf("health: %+v %s", health, health.Body)
	}
	req := mustRequest(t, "GET", "http://"+addr+"/items/7?color=blue", "")
	req.Header.Set("Cookie", "session=s1")
	if a := doHTTP(t, req, p); a.Status != 200 || !bytes.Contains(a.Body, []byte(`"id":"7"`)) || a.Header.Get("X-Amzn-Requestid") == "" {
		t.Fatalf("request: %+v %s", a, a.Body)
	}
	if a := doHTTP(t, mustRequest(t, "GET", "http://"+addr+"/items/7", ""), p); a.Status != http.StatusUnauthorized || a.Header.Get("Content-Type") != ProblemContentType {
		t.Fatalf("a 4xx problem: %+v %s", a, a.Body)
	}
	if a := doHTTP(t, mustRequest(t, "GET", "http://"+addr+"/panic", ""), p); a.Status != 500 || !bytes.Contains(a.Body, []byte(a.Header.Get("X-Amzn-Requestid"))) {
		t.Fatalf("a panic: %+v %s", a, a.Body)
	}
	if a := doHTTP(t, mustRequest(t, "POST", "http://"+addr+InvocationPath, `{}`), p); a.Status != http.StatusNotFound {
		t.Fatalf("server mode serves no invocation path: %+v", a)
	}
	p.stop(t, syscall.SIGTERM)
	if !strings.Contains(p.out.String(), "httpapp: close ran") {
		t.Fatalf("SIGTERM must run the shutdown hooks:\n%s", p.out.String())
	}
}

// TestStartHTTPCheckMode: StartHTTP goes through Start's init path, so
// LIFT_CHECK=1 validates it too, LIFT_MODE included, without serving.
func TestStartHTTPCheckMode(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./runtime/lift/testdata/httpapp")
	for _, c := range []struct {
		env      []string
		wantCode int
		want     string
	}{
		{[]string{"LIFT_MODE=server", "LIFT_LOCAL_ADDR=127.0.0.1:1"}, 0, `{"lift":"check","ok":true}` + "\n"},
		{[]string{"LIFT_MODE=container"}, 1, `LIFT_MODE=\"container\"`},
	} {
		cmd := exec.Command(bin)
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LIFT_CHECK=1"}, c.env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.wantCode || !strings.Contains(stderr.String(), c.want) {
			t.Fatalf("%v: exit %d (%v), stderr %q", c.env, code, err, stderr.String())
		}
	}
}
