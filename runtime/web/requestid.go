package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/runtime/internal/httprec"
	"github.com/liftcdk/lift/runtime/lift"
)

// RequestIDHeader is the header RequestID reads and echoes.
const RequestIDHeader = "X-Request-Id"

type requestIDKey struct{}

// RequestID gives every request a correlation id: the caller's X-Request-Id
// when it is a sane token (1 to 128 printable characters without spaces),
// else the trace id of a valid W3C traceparent, else the Lambda request id,
// else a random one. The id is echoed in the X-Request-Id response header,
// put on the context (RequestIDFrom) and on every log line as
// "correlationId".
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := correlationID(r)
		w.Header().Set(RequestIDHeader, id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		ctx = lift.WithLogAttrs(ctx, slog.String("correlationId", id))
		serveWithContext(ctx, next, w, r)
	})
}

// RequestIDFrom returns the correlation id RequestID put on ctx.
func RequestIDFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(requestIDKey{}).(string)
	return id, ok
}

func correlationID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); validToken(id, 128) {
		return id
	}
	if tid, ok := traceID(r.Header.Get("Traceparent")); ok {
		return tid
	}
	if lc, ok := lambdacontext.FromContext(r.Context()); ok && lc.AwsRequestID != "" {
		return lc.AwsRequestID
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validToken(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// traceID returns the trace id of a version-00 traceparent
// (00-<32 hex>-<16 hex>-<2 hex>), rejecting the all-zero id.
func traceID(tp string) (string, bool) {
	if len(tp) != 55 || tp[:3] != "00-" || tp[35] != '-' || tp[52] != '-' {
		return "", false
	}
	id := tp[3:35]
	zero := true
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
		zero = zero && c == '0'
	}
	return id, !zero
}

// AccessLog writes one log line per request, after it is answered, through
// lift.Logger: method, route (the ServeMux pattern that matched, or the
// path), status, bytes and duration in milliseconds.
func AccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &httprec.Recorder{ResponseWriter: w}
		defer func() {
			status := rec.StatusOrOK()
			p := recover()
			if p != nil { // logged as the 500 it becomes (lift.StartHTTP answers it), then passed on
				status = http.StatusInternalServerError
			}
			route := r.Pattern
			if route == "" {
				route = r.URL.Path
			}
			lift.Logger(r.Context()).LogAttrs(r.Context(), slog.LevelInfo, "http request",
				slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", status), slog.Int64("bytes", rec.Bytes),
				slog.Float64("durationMs", float64(time.Since(start).Microseconds())/1000))
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}
