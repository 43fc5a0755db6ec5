package lift

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestHTTPUnderRIEAndLocal runs a net/http handler built on StartHTTP under
// the Lambda Runtime Interface Emulator with every event kind's fixture, and
// the same binary in local mode over a real socket: the answers must agree.
func TestHTTPUnderRIEAndLocal(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./runtime/lift/testdata/httpapp")
	rie := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bin, Env: map[string]string{contract.EnvService: "items"}, Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if w := rie.MustInvoke(t, ctx, `{"lift":"warmup"}`); !bytes.Contains(w, []byte(`"coldStart":true`)) {
		t.Fatalf("warm-up under RIE: %s", w)
	}
	var answers []httpAnswer
	for _, f := range kindFixtures {
		a := decodeAnswer(t, f.kind, f.multiValue, rie.MustInvoke(t, ctx, string(fixture(t, f.file))))
		answers = append(answers, a)
	}
	panicked := rie.MustInvoke(t, ctx, strings.Replace(string(fixture(t, "apigateway-v2.json")), `"rawPath": "/items/42"`, `"rawPath": "/panic"`, 1))
	if a := decodeAnswer(t, EventAPIGatewayV2, false, panicked); a.Status != 500 || a.Header.Get("Content-Type") != ProblemContentType {
		t.Fatalf("a panic under RIE must be a 500 problem: %s", panicked)
	}
	if h := rie.MustInvoke(t, ctx, `{"lift":"health"}`); !bytes.Contains(h, []byte(`"status":"pass"`)) {
		t.Fatalf("health after the panic: %s", h)
	}
	if out := rie.MustInvoke(t, ctx, `{"Records":[]}`); !bytes.Contains(out, []byte("not an HTTP request")) {
		t.Fatalf("a non-HTTP event must fail clearly: %s", out)
	}

	addr := freeLoopbackAddr(t)
	local := startProcess(t, bin, "LIFT_LOCAL_ADDR="+addr)
	req, _ := http.NewRequest("GET", "http://"+addr+"/items/42?color=red&tag=a&tag=b", nil)
	req.Header.Set("Cookie", "session=abc; theme=dark")
	req.Header.Set("X-Tenant-Id", "acme")
	answers = append(answers, doHTTP(t, req, local))
	// The invocation path keeps working beside it.
	inv, _ := http.NewRequest("POST", "http://"+addr+InvocationPath, strings.NewReader(`{"lift":"health"}`))
	if a := doHTTP(t, inv, local); !bytes.Contains(a.Body, []byte(`"status":"pass"`)) {
		t.Fatalf("local mode's invocation path: %s", a.Body)
	}
	if a := doHTTP(t, mustRequest(t, "POST", "http://"+addr+InvocationPath, string(fixture(t, "apigateway-v2.json"))), local); !bytes.Contains(a.Body, []byte(`"statusCode":200`)) {
		t.Fatalf("local mode's invocation path with an HTTP event: %s", a.Body)
	}

	want := answers[0]
	for i, a := range answers {
		name := "local mode"
		if i < len(kindFixtures) {
			name = kindFixtures[i].file
		}
		if a.Status != 200 || string(a.Body) != `{"color":"red","id":"42","session":"abc","tenant":"acme"}`+"\n" ||
			a.Header.Get("Content-Type") != "application/json" || a.Header.Get("Content-Length") != want.Header.Get("Content-Length") ||
			strings.Join(a.Cookies, ";") != "seen=42" {
			t.Fatalf("%s answered differently: %+v %s", name, a, a.Body)
		}
	}
	local.stop(t, syscall.SIGTERM)
	if !strings.Contains(local.out.String(), "httpapp: close ran") {
		t.Fatalf("local mode must run the shutdown hooks:\n%s", local.out.String())
	}
}

type process struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan error
}

// startProcess runs bin with env and waits until it logs that it listens.
func startProcess(t *testing.T, bin string, env ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin), out: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(p.out.String(), `"url":"http://`) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never listened:\n%s", bin, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// stop signals the process and requires a clean exit.
func (p *process) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("exit after %v: %v\n%s", sig, err, p.out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no exit after %v:\n%s", sig, p.out.String())
	}
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func doHTTP(t *testing.T, r *http.Request, p *process) httpAnswer {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%v\n%s", err, p.out.String())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	h := resp.Header.Clone()
	cookies := h.Values("Set-Cookie")
	h.Del("Set-Cookie")
	return httpAnswer{Status: resp.StatusCode, Header: h, Cookies: cookies, Body: body}
}

// TestHTTPStreamUnderRIE: with WithResponseStreaming, a function URL event
// is answered in Lambda's streaming protocol (a JSON head, 8 NUL bytes, the
// body) through the real Runtime API; other kinds stay buffered.
func TestHTTPStreamUnderRIE(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./runtime/lift/testdata/httpapp")
	rie := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bin, Env: map[string]string{"HTTPAPP_STREAM": "1"}, Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ev := strings.Replace(string(fixture(t, "function-url.json")), `"rawPath": "/items/42"`, `"rawPath": "/stream"`, 1)
	out := rie.MustInvoke(t, ctx, ev)
	head, body, ok := bytes.Cut(out, make([]byte, 8))
	if !ok || !bytes.Contains(head, []byte(`"statusCode":200`)) || !bytes.Contains(head, []byte(`"Content-Type":"text/plain"`)) || string(body) != "chunk 0\nchunk 1\nchunk 2\n" {
		t.Fatalf("streamed answer %q\nlogs:\n%s", out, rie.Logs())
	}
	buffered := rie.MustInvoke(t, ctx, string(fixture(t, "apigateway-v2.json")))
	if a := decodeAnswer(t, EventAPIGatewayV2, false, buffered); a.Status != 200 {
		t.Fatalf("buffered answer beside streams: %s", buffered)
	}
}
