package idempotency

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/liftcdk/lift/runtime/internal/httpbuf"
	"github.com/liftcdk/lift/runtime/lift"
)

// HTTP names, as the IETF Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header) uses them.
const (
	// HeaderKey carries the client's key on an unsafe request.
	HeaderKey = "Idempotency-Key"
	// HeaderReplayed is "true" on a response replayed from the store.
	HeaderReplayed = "Idempotent-Replayed"
	// MaxHeaderKeyBytes bounds the header's value.
	MaxHeaderKeyBytes = 255
	// DefaultMaxBodyBytes bounds the request body the middleware reads to
	// fingerprint it: Lambda's synchronous payload limit.
	DefaultMaxBodyBytes = 6 << 20
)

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*middleware)

type middleware struct {
	store   Store
	require bool
	scope   func(*http.Request) string
	maxBody int64
	doOpts  []Option
	logger  *slog.Logger
}

// RequireKey answers 400 to an unsafe request without an Idempotency-Key.
// By default such a request runs as usual, without idempotency.
func RequireKey() MiddlewareOption { return func(m *middleware) { m.require = true } }

// KeyScope namespaces keys by caller: scope(r) (for example the
// authenticated user or tenant) is stored with the key, so one caller can
// never replay another's response by sending the same key. Default: one
// namespace for the whole service.
func KeyScope(scope func(*http.Request) string) MiddlewareOption {
	return func(m *middleware) { m.scope = scope }
}

// MaxBodyBytes bounds the request body read for the fingerprint; a larger
// body gets 413. Default DefaultMaxBodyBytes.
func MaxBodyBytes(n int64) MiddlewareOption { return func(m *middleware) { m.maxBody = n } }

// WithDoOptions passes options (WithTTL, WithWait, ...) to each Do call.
func WithDoOptions(opts ...Option) MiddlewareOption {
	return func(m *middleware) { m.doOpts = append(m.doOpts, opts...) }
}

// WithLogger logs store failures to l. Default lift.Logger (the function's
// JSON log, with the request id).
func WithLogger(l *slog.Logger) MiddlewareOption { return func(m *middleware) { m.logger = l } }

// Middleware makes unsafe requests (POST, PUT, PATCH, DELETE, ...) that carry
// an Idempotency-Key run once: the first request's status, headers and body
// are stored and replayed, with Idempotent-Replayed: true, to every later
// request with the key. The key may be sent as the draft's structured-field
// string ("...") or bare. The payload fingerprint is the method, the request
// URI and the body, so reusing a key for another request answers 422; a
// request whose twin is still running answers 409 with Retry-After (after
// WithWait's bound). Responses of 500 and above are not stored, so a retry
// runs the handler again. Errors are RFC 9457 problem documents that reveal
// nothing of the store.
func Middleware(store Store, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	m := &middleware{store: store, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.serve(w, r, next) })
	}
}

// storedResponse is what the store keeps per key (as JSON; the body is base64).
type storedResponse struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"body,omitempty"`
}

// errServerError keeps a 5xx response out of the store.
var errServerError = errors.New("idempotency: handler answered a server error")

func (m *middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if safeMethod(r.Method) {
		next.ServeHTTP(w, r)
		return
	}
	raw, sent := r.Header[HeaderKey]
	if !sent {
		if m.require {
			lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusBadRequest, Title: "Idempotency-Key required",
				Detail: "This request must carry an Idempotency-Key header."})
			return
		}
		next.ServeHTTP(w, r)
		return
	}
	key, ok := parseKey(raw)
	if !ok {
		lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusBadRequest, Title: "Invalid Idempotency-Key",
			Detail: fmt.Sprintf("Send one Idempotency-Key header of 1 to %d bytes of UTF-8, optionally as a quoted string.", MaxHeaderKeyBytes)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, m.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusRequestEntityTooLarge, Title: "Request body too large",
				Detail: fmt.Sprintf("The body exceeds %d bytes.", m.maxBody)})
			return
		}
		lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusBadRequest, Title: "Unreadable request body",
			Detail: "The request body could not be read."})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if m.scope != nil {
		s := m.scope(r)
		key = strconv.Itoa(len(s)) + ":" + s + "/" + key
	}
	fp := Fingerprint(fmt.Appendf(nil, "%s %s\n%s", r.Method, r.URL.RequestURI(), body))
	ran := false
	resp, err := Do(r.Context(), m.store, key, func(ctx context.Context) (storedResponse, error) {
		ran = true
		rec := httpbuf.New()
		next.ServeHTTP(rec, r.WithContext(ctx))
		out := storedResponse{Status: rec.Status(), Header: rec.Header(), Body: rec.Body()}
		if out.Status >= 500 {
			return out, errServerError
		}
		return out, nil
	}, append(m.doOpts[:len(m.doOpts):len(m.doOpts)], WithFingerprint(fp), StoreErrors(nil))...)
	switch {
	case errors.Is(err, ErrKeyReused):
		lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusUnprocessableEntity, Title: "Idempotency-Key reused",
			Detail: "This Idempotency-Key was already used with a different request."})
	case errors.Is(err, ErrInProgress):
		w.Header().Set("Retry-After", "1")
		lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusConflict, Title: "Request in progress",
			Detail: "A request with this Idempotency-Key is still being processed; retry later."})
	case resp.Status != 0: // the handler ran (here or before): its response stands
		if err != nil && !errors.Is(err, errServerError) {
			m.log(r).Warn("idempotency: response not stored", "method", r.Method, "path", r.URL.Path, "error", err)
		}
		resp.write(w, !ran)
	case err != nil:
		m.log(r).Error("idempotency: store failed", "method", r.Method, "path", r.URL.Path, "error", err)
		lift.WriteProblem(w, r, &lift.Problem{Status: http.StatusServiceUnavailable, Title: "Idempotency check unavailable",
			Detail: "The request could not be checked for duplicates; retry later."})
	}
}

func (m *middleware) log(r *http.Request) *slog.Logger {
	if m.logger != nil {
		return m.logger
	}
	return lift.Logger(r.Context())
}

// safeMethod reports the methods RFC 9110 defines as safe: they need no key.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// parseKey reads the header's one value: the draft's structured-field string
// ("...") or, as many clients send it, a bare token.
func parseKey(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	key := strings.TrimSpace(values[0])
	if strings.HasPrefix(key, `"`) {
		unquoted, err := strconv.Unquote(key)
		if err != nil {
			return "", false
		}
		key = unquoted
	}
	return key, key != "" && len(key) <= MaxHeaderKeyBytes && checkKey(key) == nil
}

func (s storedResponse) write(w http.ResponseWriter, replayed bool) {
	h := w.Header()
	for k, v := range s.Header {
		h[k] = v
	}
	if replayed {
		h.Set(HeaderReplayed, "true")
	}
	w.WriteHeader(s.Status)
	_, _ = w.Write(s.Body)
}
