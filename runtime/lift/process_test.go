package lift

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/testsvc"
)

// TestLocalModeProcess runs the handler binary with no AWS_LAMBDA_RUNTIME_API:
// it must serve the RIE path on LIFT_LOCAL_ADDR and, on SIGINT, run the
// shutdown hooks and exit 0.
func TestLocalModeProcess(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./runtime/lift/testdata/rieapp")
	addr := freeLoopbackAddr(t)
	var out syncBuffer
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LIFT_LOCAL_ADDR=" + addr, "LIFT_SERVICE=greeter"}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })

	url := "http://" + addr + "/2015-03-31/functions/function/invocations"
	var body string
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"name":"local"}`))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("local mode never listened on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if body != `{"message":"hello, local","coldStart":true}` {
		t.Fatalf("first local invocation: %s\n%s", body, out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("local mode must exit 0 after SIGINT: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("local mode did not stop after SIGINT\n%s", out.String())
	}
	logs := out.String()
	if !strings.Contains(logs, "lift: local mode") || strings.Index(logs, "flush-last-registered ran") > strings.Index(logs, "close-first-registered ran") ||
		!strings.Contains(logs, "close-first-registered ran") {
		t.Fatalf("want the local-mode banner and both shutdown hooks, last registered first:\n%s", logs)
	}
}

// TestInvalidEnvFailsInit runs the binary with a bad LIFT_SHUTDOWN_BUDGET: it
// must exit 1 with one line naming the variable, the value and the fix.
func TestInvalidEnvFailsInit(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./runtime/lift/testdata/rieapp")
	for _, mode := range []string{"lambda", "local"} {
		t.Run(mode, func(t *testing.T) {
			env := []string{"PATH=/usr/bin:/bin", "LIFT_SHUTDOWN_BUDGET=half a second"}
			if mode == "lambda" {
				env = append(env, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:1")
			} else {
				env = append(env, "LIFT_LOCAL_ADDR="+freeLoopbackAddr(t))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin)
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("want exit status 1, got %v\n%s", err, stderr.String())
			}
			msg := stderr.String()
			for _, want := range []string{`"level":"ERROR"`, "LIFT_SHUTDOWN_BUDGET", `half a second`, "400ms"} {
				if !strings.Contains(msg, want) {
					t.Fatalf("init error must mention %s: %s", want, msg)
				}
			}
		})
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
