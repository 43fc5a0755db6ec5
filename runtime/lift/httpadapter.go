package lift

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/liftcdk/lift/runtime/internal/httprec"
	"github.com/liftcdk/lift/runtime/internal/span"
)

// httpAdapter is the lambda.Handler inside a Handler built by
// NewHTTPHandler: it turns each HTTP event into a request for next and the
// answer into the event kind's response.
type httpAdapter struct {
	next http.Handler
	h    *Handler
}

// Invoke implements lambda.Handler.
func (a *httpAdapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	ev, err := decodeHTTPEvent(payload)
	if err != nil {
		Logger(ctx).Warn("lift: StartHTTP refused an event", "error", err.Error())
		return nil, err
	}
	rctx := &requestCtx{Context: ctx, rc: RequestContext{Kind: ev.kind, RequestID: requestID(ctx), ColdStart: ColdStart(ctx)}}
	w := newBufferedResponse()
	r, err := ev.request(rctx)
	if err != nil {
		p := NewProblem(http.StatusBadRequest, err.Error())
		p.RequestID = rctx.rc.RequestID
		WriteProblem(w, nil, p)
		return w.encode(ev)
	}
	if ev.kind == EventFunctionURL && a.h.streamHTTP {
		if _, ok := ctx.Value(streamBoxKey{}).(*streamBox); ok {
			return a.stream(ctx, r), nil
		}
	}
	a.serve(w, r)
	return w.encode(ev)
}

// serve runs the user's handler; a panic becomes a 500 problem with the
// request id (never Lambda's opaque 502), a log line and the panic metric.
func (a *httpAdapter) serve(w http.ResponseWriter, r *http.Request) {
	if span.Enabled() {
		var end func()
		w, r, end = startRequestSpan(w, r)
		defer end() // registered first: runs after the recovery below wrote its 500
	}
	defer func() {
		p := recover()
		if p == nil || p == http.ErrAbortHandler {
			return
		}
		a.h.panics.Add(1)
		Logger(r.Context()).Error("lift: HTTP handler panicked; answered 500 and kept serving",
			"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if b, ok := unwrapBuffered(w); ok { // drop what the handler wrote before it panicked
			b.reset()
		}
		writeInternalProblem(w, r)
	}()
	a.next.ServeHTTP(w, r)
}

func unwrapBuffered(w http.ResponseWriter) (*bufferedResponse, bool) {
	if sw, ok := w.(*httprec.Recorder); ok {
		w = sw.ResponseWriter
	}
	b, ok := w.(*bufferedResponse)
	return b, ok
}
