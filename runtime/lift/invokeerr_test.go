package lift

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

type quotaError struct{ tenant string }

func (e *quotaError) Error() string { return "quota exceeded for " + e.tenant }

func TestHandlerErrorIsLoggedAtError(t *testing.T) {
	te := newTestHandler(t, onDemand, func(ctx context.Context, o order) (receipt, error) {
		if o.ID == "" {
			return receipt{}, &quotaError{"acme"}
		}
		return orderHandler(ctx, o)
	})
	_, err := te.h.Invoke(invocation(t, "req-err", time.Second), []byte(`{"qty":1}`))
	if err == nil {
		t.Fatal("the handler's error must be returned")
	}
	l := te.logs.logsWith(t, "handler returned an error")
	if len(l) != 1 {
		t.Fatalf("want one log line for the error, got %v", te.logs.String())
	}
	for k, want := range map[string]any{"level": "ERROR", "requestId": "req-err", "errorType": "quotaError", "errorMessage": "quota exceeded for acme"} {
		if l[0][k] != want {
			t.Fatalf("%s = %v, want %v: %v", k, l[0][k], want, l[0])
		}
	}
	if _, err := te.h.Invoke(invocation(t, "req-ok", time.Second), []byte(`{"id":"o1","qty":1}`)); err != nil {
		t.Fatal(err)
	}
	if n := len(te.logs.logsWith(t, "handler returned an error")); n != 1 {
		t.Fatalf("a successful invocation logged an error (%d lines)", n)
	}
}

func TestResponseOverLambdaLimitIsAnError(t *testing.T) {
	var calls int
	te := newTestHandler(t, onDemand, func(_ context.Context, n int) (string, error) {
		calls++
		return strings.Repeat("x", n), nil // JSON adds two quotes
	})
	out, err := te.h.Invoke(invocation(t, "req-limit", time.Second), fmt.Appendf(nil, "%d", maxResponse-2))
	if err != nil || len(out) != maxResponse {
		t.Fatalf("a response of exactly the limit must pass: %d bytes, %v", len(out), err)
	}
	out, err = te.h.Invoke(invocation(t, "req-big", time.Second), fmt.Appendf(nil, "%d", maxResponse-1))
	ive, ok := errors.AsType[messages.InvokeResponse_Error](err)
	if out != nil || !ok || ive.Type != responseTooLargeType || ive.ShouldExit ||
		!strings.Contains(ive.Message, fmt.Sprint(maxResponse+1, " bytes")) || strings.Contains(ive.Message, "lift/") {
		t.Fatalf("an oversized response must be a clear function error: %q %+v", out, err)
	}
	l := te.logs.logsWith(t, "response too large")
	if len(l) != 1 || l[0]["level"] != "ERROR" || l[0]["requestId"] != "req-big" || l[0]["responseBytes"] != float64(maxResponse+1) {
		t.Fatalf("the oversized response must be logged at ERROR: %v", l)
	}
	if out, err := te.h.Invoke(invocation(t, "req-next", time.Second), []byte(`3`)); err != nil || string(out) != `"xxx"` || calls != 3 {
		t.Fatalf("the handler must keep serving: %s %v", out, err)
	}
}

func TestInvokeErrorEchoIsDropped(t *testing.T) {
	var buf syncBuffer
	l := log.New(withoutInvokeErrorEcho{&buf}, "", 0)
	l.Printf("%s", `{"errorMessage":"boom","errorType":"errorString"}`)
	l.Printf("%s", `{"errorMessage":"boom","errorType":"HandlerPanic","stackTrace":[{"path":"a.go","line":1,"label":"f"}]}`)
	l.Printf("user line")
	l.Printf("%s", `{"errorMessage":"x","errorType":"t","tenant":"acme"}`) // not aws-lambda-go's shape
	l.Printf("%s", `{"errorMessage":"x","errorType":"t"} trailing`)
	want := "user line\n" + `{"errorMessage":"x","errorType":"t","tenant":"acme"}` + "\n" + `{"errorMessage":"x","errorType":"t"} trailing` + "\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}
