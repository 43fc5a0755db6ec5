package lift

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdaurl"
)

// loopInvoke calls what run hands aws-lambda-go, as its runtime loop would.
func loopInvoke(t *testing.T, h *Handler, payload []byte) io.Reader {
	t.Helper()
	fn, ok := h.loopHandler().(func(context.Context, json.RawMessage) (io.Reader, error))
	if !ok {
		t.Fatalf("a streaming Handler must give the loop a reader-returning function, got %T", h.loopHandler())
	}
	r, err := fn(invocation(t, "s1", 5*time.Second), payload)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func contentType(r io.Reader) string {
	if c, ok := r.(interface{ ContentType() string }); ok {
		return c.ContentType()
	}
	return ""
}

const integrationResponse = "application/vnd.awslambda.http-integration-response"

// readPrelude reads the streaming protocol's JSON head and its 8 NUL bytes.
func readPrelude(t *testing.T, br *bufio.Reader) map[string]any {
	t.Helper()
	head, err := br.ReadBytes(0)
	if err != nil {
		t.Fatalf("no prelude: %v", err)
	}
	var m map[string]any
	mustUnmarshal(t, head[:len(head)-1], &m)
	rest := make([]byte, 7)
	if _, err := io.ReadFull(br, rest); err != nil || !bytes.Equal(rest, make([]byte, 7)) {
		t.Fatalf("the prelude must end with 8 NUL bytes: %q %v", rest, err)
	}
	return m
}

func TestHTTPStreamsFunctionURL(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1"})
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release // the caller must have the first bytes while the handler still runs
		_, _ = io.WriteString(w, "second\n")
	})
	te := newHTTPTest(t, mux, WithResponseStreaming())
	r := loopInvoke(t, te.h, fixture(t, "function-url.json"))
	if contentType(r) != integrationResponse {
		t.Fatalf("content type %q", contentType(r))
	}
	br := bufio.NewReader(r)
	head := readPrelude(t, br)
	if head["statusCode"] != 200.0 || head["headers"].(map[string]any)["Content-Type"] != "text/plain" || head["cookies"].([]any)[0] != "seen=1" {
		t.Fatalf("prelude %v", head)
	}
	if line, err := br.ReadString('\n'); line != "first\n" || err != nil {
		t.Fatalf("first chunk %q %v", line, err)
	}
	close(release)
	if rest, err := io.ReadAll(br); string(rest) != "second\n" || err != nil {
		t.Fatalf("rest %q %v", rest, err)
	}

	// Other kinds stay buffered on the same Handler.
	resp, err := io.ReadAll(loopInvoke(t, te.h, fixture(t, "apigateway-v2.json")))
	if err != nil || !bytes.Contains(resp, []byte(`"statusCode":200`)) || !bytes.Contains(resp, []byte(`"body":"first\nsecond\n"`)) {
		t.Fatalf("buffered answer %s %v", resp, err)
	}
}

func TestHTTPStreamPanicBeforeFirstByteIsProblem(t *testing.T) {
	te := newHTTPTest(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret") }), WithResponseStreaming())
	br := bufio.NewReader(loopInvoke(t, te.h, fixture(t, "function-url.json")))
	head := readPrelude(t, br)
	body, _ := io.ReadAll(br)
	if head["statusCode"] != 500.0 || !strings.Contains(string(body), `"requestId":"s1"`) || strings.Contains(string(body), "secret") {
		t.Fatalf("%v %s", head, body)
	}
}

// TestStartKeepsLambdaURLStreams: lift.Start around aws-lambda-go's own
// streaming handler (lambdaurl.Wrap) must hand its stream and content type
// to the loop, not bytes.
func TestStartKeepsLambdaURLStreams(t *testing.T) {
	release := make(chan struct{})
	wrapped := lambdaurl.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "first\n") // lambdaurl's writes go straight to its pipe
		<-release
		_, _ = io.WriteString(w, "second\n")
	}))
	te := newTestHandler(t, onDemand, wrapped)
	var ev events.LambdaFunctionURLRequest
	mustUnmarshal(t, fixture(t, "function-url.json"), &ev)
	payload, _ := json.Marshal(ev)
	r := loopInvoke(t, te.h, payload)
	if contentType(r) != integrationResponse {
		t.Fatalf("content type %q (%T)", contentType(r), r)
	}
	br := bufio.NewReader(r)
	readPrelude(t, br)
	if line, _ := br.ReadString('\n'); line != "first\n" {
		t.Fatalf("first chunk %q", line)
	}
	close(release)
	if rest, _ := io.ReadAll(br); string(rest) != "second\n" {
		t.Fatalf("rest %q", rest)
	}
	// Control events still answer JSON on the same loop.
	w, _ := io.ReadAll(loopInvoke(t, te.h, []byte(`{"lift":"health"}`)))
	if !bytes.Contains(w, []byte(`"status":"pass"`)) {
		t.Fatalf("health %s", w)
	}
}

// TestStreamWithoutContentTypeIsClosed: a streamed answer without a content
// type is still closed when the runtime loop closes it (as aws-lambda-go does
// after sending, or when the client went away), so its writer stops rather
// than blocking forever.
func TestStreamWithoutContentTypeIsClosed(t *testing.T) {
	writerDone := make(chan error, 1)
	te := newTestHandler(t, onDemand, func(ctx context.Context, _ json.RawMessage) (io.Reader, error) {
		pr, pw := io.Pipe()
		go func() {
			if _, err := io.WriteString(pw, "a"); err != nil {
				writerDone <- err
				return
			}
			_, err := io.WriteString(pw, "b") // nobody reads this: the loop closes first
			writerDone <- err
		}()
		return pr, nil
	})
	r := loopInvoke(t, te.h, []byte(`{}`))
	buf := make([]byte, 1)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "a" {
		t.Fatalf("first byte %q, %v", buf, err)
	}
	c, ok := r.(io.Closer)
	if !ok {
		t.Fatalf("the loop's reader %T cannot be closed", r)
	}
	_ = c.Close()
	select {
	case err := <-writerDone:
		if err != io.ErrClosedPipe {
			t.Fatalf("writer: %v, want io.ErrClosedPipe", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream's writer is still blocked after the loop closed the answer")
	}
}
