package lift

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/internal/span"
)

// WithResponseStreaming makes a Handler built by NewHTTPHandler answer
// function URL events as a stream, for a function URL whose invoke mode is
// RESPONSE_STREAM: the status and headers are sent when the handler first
// writes, flushes or returns, and every Write (http.Flusher works) reaches
// the caller while the handler runs. Other event kinds stay buffered. A
// function URL in BUFFERED mode cannot read a stream: set both together.
func WithResponseStreaming() Option {
	return func(c *config) { c.streamHTTP = true }
}

// streamingResponse is the http.ResponseWriter of a streamed answer: the
// first write, flush or the handler's return publishes the head, and the
// body flows through a pipe to the runtime loop.
type streamingResponse struct {
	header  http.Header
	pw      *io.PipeWriter
	once    sync.Once
	head    chan *events.LambdaFunctionURLStreamingResponse
	body    io.Reader
	status  int
	written int64 // body bytes, for the request span
	sent    bool  // the head was published; only the handler's goroutine reads or writes it
}

func (w *streamingResponse) Header() http.Header { return w.header }

func (w *streamingResponse) WriteHeader(status int) {
	if w.status == 0 && status >= 100 && status <= 999 {
		w.status = status
	}
	w.sendHead()
}

func (w *streamingResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.sendHead()
	n, err := w.pw.Write(p)
	w.written += int64(n)
	return n, err
}

func (w *streamingResponse) Flush() { w.WriteHeader(http.StatusOK) }

func (w *streamingResponse) sendHead() {
	w.once.Do(func() {
		w.sent = true
		if w.status == 0 {
			w.status = http.StatusOK
		}
		resp := &events.LambdaFunctionURLStreamingResponse{StatusCode: w.status, Headers: make(map[string]string, len(w.header)), Body: w.body}
		for k, vs := range w.header {
			if k == "Set-Cookie" {
				resp.Cookies = vs
				continue
			}
			resp.Headers[k] = strings.Join(vs, ",")
		}
		w.head <- resp
	})
}

// stream runs the handler for a function URL event and parks its answer as
// a stream once the head is known; it returns without waiting for the body.
func (a *httpAdapter) stream(ctx context.Context, r *http.Request) []byte {
	pr, pw := io.Pipe()
	w := &streamingResponse{header: make(http.Header, 4), pw: pw, body: pr, head: make(chan *events.LambdaFunctionURLStreamingResponse, 1)}
	go func() {
		req, sp := r, span.Span{}
		if span.Enabled() { // the request span lasts until the stream's last byte
			req, sp = startRequestSpanOnly(r)
		}
		defer func() {
			var cut error
			if p := recover(); p != nil && p != http.ErrAbortHandler {
				a.h.panics.Add(1)
				Logger(req.Context()).Error("lift: HTTP handler panicked while streaming; answered 500 or cut the stream",
					"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if w.sent {
					cut = fmt.Errorf("lift: the handler panicked mid-stream (request %s)", requestID(ctx))
				} else {
					clear(w.header) // nothing was sent: the answer can still be a whole 500 problem
					w.status = 0
					writeInternalProblem(w, req)
				}
			}
			w.sendHead()
			// Before the pipe closes: the invocation span ends (and flushes)
			// when the loop reads the stream's end, and this span is its child.
			endRequestSpan(sp, req, w.status, w.written, cut)
			if cut != nil {
				_ = pw.CloseWithError(cut)
				return
			}
			_ = pw.Close()
		}()
		a.next.ServeHTTP(w, req)
	}()
	head := <-w.head
	parkStream(ctx, head)
	return []byte("null")
}
