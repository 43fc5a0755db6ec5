package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
)

// liftLogs captures Lift's JSON logs and returns a function serving h.
func liftLogs(t *testing.T, h http.Handler) (*bytes.Buffer, func(*http.Request) *httptest.ResponseRecorder) {
	t.Helper()
	var logs bytes.Buffer
	// Building a Handler installs its logger as the one lift.Logger uses.
	if _, err := lift.NewHTTPHandler(h, lift.WithLogWriter(&logs), lift.WithMetrics(metrics.New(io.Discard, "T"))); err != nil {
		t.Fatal(err)
	}
	return &logs, func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
}

func logLines(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestRequestIDAndAccessLog(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := RequestIDFrom(r.Context())
		lift.Logger(r.Context()).Info("inside", "seen", id)
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "12345")
	})
	logs, do := liftLogs(t, RequestID(AccessLog(mux)))
	for _, c := range []struct {
		header, value, want string
	}{
		{"X-Request-Id", "caller-abc", "caller-abc"},
		{"Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"X-Request-Id", "has space", ""},
		{"Traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""},
	} {
		logs.Reset()
		r := httptest.NewRequest("GET", "/items/7", nil)
		r.Header.Set(c.header, c.value)
		w := do(r)
		got := w.Header().Get("X-Request-Id")
		if c.want != "" && got != c.want || c.want == "" && (len(got) != 32 || got == c.value) {
			t.Fatalf("%s=%q: echoed %q", c.header, c.value, got)
		}
		lines := logLines(t, logs)
		if len(lines) != 2 || lines[0]["seen"] != got || lines[0]["correlationId"] != got {
			t.Fatalf("the handler's log line must carry the id: %v", lines)
		}
		access := lines[1]
		if access["msg"] != "http request" || access["method"] != "GET" || access["route"] != "GET /items/{id}" || access["status"] != 418.0 || access["bytes"] != 5.0 || access["correlationId"] != got {
			t.Fatalf("access log: %v", access)
		}
		if _, ok := access["durationMs"].(float64); !ok {
			t.Fatalf("durationMs: %v", access)
		}
	}
}

func TestAccessLogKeepsFlusher(t *testing.T) {
	flushed := false
	h := AccessLog(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Fatal(err)
		}
		flushed = true
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if !flushed || !w.Flushed {
		t.Fatal("Flush must reach the underlying writer")
	}
}

func TestAccessLogOnPanic(t *testing.T) {
	logs, _ := liftLogs(t, http.NotFoundHandler())
	h := AccessLog(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic must reach Lift, which answers it")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	}()
	if lines := logLines(t, logs); len(lines) != 1 || lines[0]["status"] != 500.0 {
		t.Fatalf("access log of a panic: %v", lines)
	}
}
