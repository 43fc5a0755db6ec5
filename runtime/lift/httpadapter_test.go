package lift

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/metrics"
)

// echoMux is the handler the HTTP tests drive: it answers what it received.
func echoMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		rc, _ := RequestContextFrom(r.Context())
		sub, _ := rc.Claim("sub")
		cookie, _ := r.Cookie("session")
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: r.PathValue("id")})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "light"})
		w.Header().Set("X-Item", r.PathValue("id"))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": r.PathValue("id"), "color": r.URL.Query().Get("color"), "tags": r.URL.Query()["tag"],
			"tenant": r.Header.Get("X-Tenant-Id"), "session": cookie.Value, "host": r.Host,
			"kind": rc.Kind, "sub": sub, "requestId": rc.RequestID == requestID(r.Context()) && rc.RequestID != "",
		})
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Secret", "internal")
		_, _ = w.Write([]byte("half"))
		panic("database password is hunter2")
	})
	mux.Handle("GET /problem", ErrorHandler(func(w http.ResponseWriter, r *http.Request) error {
		return NewProblem(http.StatusNotFound, "no such item")
	}))
	mux.Handle("GET /fail", ErrorHandler(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("dial tcp 10.0.0.7:5432: connection refused")
	}))
	return mux
}

func newHTTPTest(t *testing.T, h http.Handler, opts ...Option) testEnv {
	t.Helper()
	te := newTestHandler(t, onDemand, func() {}) // for the captured logs and metrics
	opts = append([]Option{WithLogWriter(te.logs), WithMetrics(te.h.metrics)}, opts...)
	hh, err := newHTTPHandler(h, func(k string) string { return onDemand[k] }, opts...)
	if err != nil {
		t.Fatal(err)
	}
	te.h = hh
	return te
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "http", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// httpAnswer is the response of any event kind, normalised for comparison.
type httpAnswer struct {
	Status  int
	Header  http.Header
	Cookies []string
	Body    []byte
}

func decodeAnswer(t testing.TB, kind EventKind, multiValue bool, raw []byte) httpAnswer {
	t.Helper()
	var a httpAnswer
	body := func(s string, b64 bool) []byte {
		if !b64 {
			return []byte(s)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("body marked base64 is not: %v", err)
		}
		return b
	}
	a.Header = http.Header{}
	switch kind {
	case EventAPIGatewayV2, EventFunctionURL:
		var r events.APIGatewayV2HTTPResponse
		mustUnmarshal(t, raw, &r)
		a.Status, a.Cookies, a.Body = r.StatusCode, r.Cookies, body(r.Body, r.IsBase64Encoded)
		for k, v := range r.Headers {
			a.Header.Set(k, v)
		}
	case EventAPIGatewayV1:
		var r events.APIGatewayProxyResponse
		mustUnmarshal(t, raw, &r)
		a.Status, a.Header, a.Body = r.StatusCode, r.MultiValueHeaders, body(r.Body, r.IsBase64Encoded)
	case EventALB:
		var r events.ALBTargetGroupResponse
		mustUnmarshal(t, raw, &r)
		if r.StatusDescription != statusLine(r.StatusCode) {
			t.Fatalf("ALB statusDescription %q for %d", r.StatusDescription, r.StatusCode)
		}
		a.Status, a.Body = r.StatusCode, body(r.Body, r.IsBase64Encoded)
		if multiValue != (r.MultiValueHeaders != nil) || multiValue == (r.Headers != nil) {
			t.Fatalf("ALB answer must use the request's header shape (multi-value %v): %s", multiValue, raw)
		}
		if r.MultiValueHeaders != nil {
			a.Header = r.MultiValueHeaders
		}
		for k, v := range r.Headers {
			a.Header.Set(k, v)
		}
	}
	if a.Cookies == nil {
		a.Cookies = a.Header.Values("Set-Cookie")
	}
	a.Header.Del("Set-Cookie")
	return a
}

func mustUnmarshal(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

var kindFixtures = []struct {
	file       string
	kind       EventKind
	multiValue bool
}{
	{"apigateway-v1.json", EventAPIGatewayV1, true},
	{"apigateway-v2.json", EventAPIGatewayV2, false},
	{"function-url.json", EventFunctionURL, false},
	{"alb.json", EventALB, false},
	{"alb-multivalue.json", EventALB, true},
}

func TestHTTPEventKinds(t *testing.T) {
	te := newHTTPTest(t, echoMux())
	for _, f := range kindFixtures {
		t.Run(f.file, func(t *testing.T) {
			payload := fixture(t, f.file)
			if got := detectHTTP(payload); got != f.kind {
				t.Fatalf("detected %q, want %q", got, f.kind)
			}
			raw, err := te.h.Invoke(invocation(t, "req-"+f.file, time.Second), payload)
			if err != nil {
				t.Fatal(err)
			}
			a := decodeAnswer(t, f.kind, f.multiValue, raw)
			var got map[string]any
			mustUnmarshal(t, a.Body, &got)
			if a.Status != 200 || a.Header.Get("X-Item") != "42" || a.Header.Get("Content-Type") != "application/json" || a.Header.Get("Content-Length") != itoa(len(a.Body)) {
				t.Fatalf("answer: %+v", a)
			}
			wantTags := []any{"a", "b"}
			if f.file == "alb.json" { // a single-value target group passes the last value only
				wantTags = []any{"b"}
			}
			if got["id"] != "42" || got["color"] != "red" || !slices.Equal(got["tags"].([]any), wantTags) || got["tenant"] != "acme" || got["session"] != "abc" || got["kind"] != string(f.kind) || got["requestId"] != true || !strings.Contains(got["host"].(string), ".") {
				t.Fatalf("the handler saw %v", got)
			}
			wantCookies := []string{"seen=42", "theme=light"}
			if f.file == "alb.json" { // single-value headers hold one cookie
				wantCookies = []string{"theme=light"}
			}
			if !slices.Equal(a.Cookies, wantCookies) {
				t.Fatalf("Set-Cookie %q, want %q", a.Cookies, wantCookies)
			}
			if wantSub := f.kind == EventAPIGatewayV1 || f.kind == EventAPIGatewayV2; (got["sub"] == "user-1") != wantSub {
				t.Fatalf("authorizer claim sub = %v", got["sub"])
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// postEvent builds a payload 2.0 POST /echo event.
func postEvent(contentType string, body []byte, b64 bool) []byte {
	s := string(body)
	if b64 {
		s = base64.StdEncoding.EncodeToString(body)
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "POST /echo", RawPath: "/echo",
		Headers: map[string]string{"content-type": contentType}, Body: s, IsBase64Encoded: b64,
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/echo"}},
	}
	b, _ := json.Marshal(ev)
	return b
}

func TestHTTPBodiesRoundTrip(t *testing.T) {
	te := newHTTPTest(t, echoMux())
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
	for _, c := range []struct {
		name, contentType string
		body              []byte
		b64In, wantB64    bool
	}{
		{"binary both ways", "image/png", png, true, true},
		{"json as text", "application/json", []byte(`{"name":"ada"}`), false, false},
		{"json sent base64", "application/json", []byte(`{"name":"ada"}`), true, false},
		{"text with charset", "text/plain; charset=utf-8", []byte("héllo"), false, false},
		{"problem json", "application/problem+json", []byte(`{"title":"x"}`), false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, err := te.h.Invoke(invocation(t, "r1", time.Second), postEvent(c.contentType, c.body, c.b64In))
			if err != nil {
				t.Fatal(err)
			}
			var r events.APIGatewayV2HTTPResponse
			mustUnmarshal(t, raw, &r)
			a := decodeAnswer(t, EventAPIGatewayV2, false, raw)
			if r.IsBase64Encoded != c.wantB64 || string(a.Body) != string(c.body) || a.Status != http.StatusCreated || a.Header.Get("Content-Length") != itoa(len(c.body)) {
				t.Fatalf("answer %s", raw)
			}
		})
	}
	t.Run("bad base64 is a 400 problem", func(t *testing.T) {
		ev := postEvent("image/png", nil, true)
		ev = []byte(strings.Replace(string(ev), `"isBase64Encoded":true`, `"body":"%%%","isBase64Encoded":true`, 1))
		raw, err := te.h.Invoke(invocation(t, "r2", time.Second), ev)
		if err != nil {
			t.Fatal(err)
		}
		a := decodeAnswer(t, EventAPIGatewayV2, false, raw)
		if a.Status != 400 || a.Header.Get("Content-Type") != ProblemContentType || !strings.Contains(string(a.Body), `"requestId":"r2"`) {
			t.Fatalf("answer %s", raw)
		}
	})
}

func TestHTTPErrorsAreProblems(t *testing.T) {
	te := newHTTPTest(t, echoMux())
	get := func(path string) httpAnswer {
		ev := fixture(t, "apigateway-v2.json")
		ev = []byte(strings.Replace(string(ev), `"rawPath": "/items/42"`, `"rawPath": "`+path+`"`, 1))
		raw, err := te.h.Invoke(invocation(t, "req-7", time.Second), ev)
		if err != nil {
			t.Fatalf("%s must answer, not fail the invocation (a 502): %v", path, err)
		}
		return decodeAnswer(t, EventAPIGatewayV2, false, raw)
	}
	for _, c := range []struct {
		path   string
		status int
		detail string
	}{
		{"/panic", 500, "quote the request id"},
		{"/fail", 500, "quote the request id"},
		{"/problem", 404, "no such item"},
	} {
		a := get(c.path)
		var p Problem
		mustUnmarshal(t, a.Body, &p)
		if a.Status != c.status || p.Status != c.status || a.Header.Get("Content-Type") != ProblemContentType || p.RequestID != "req-7" || p.Instance != c.path || !strings.Contains(p.Detail, c.detail) {
			t.Fatalf("%s: %+v %s", c.path, a, a.Body)
		}
		if strings.Contains(string(a.Body), "hunter2") || strings.Contains(string(a.Body), "10.0.0.7") || a.Header.Get("X-Secret") != "" || strings.Contains(string(a.Body), "half") {
			t.Fatalf("%s: internals reached the caller: %+v %s", c.path, a.Header, a.Body)
		}
	}
	if n := te.metrics.metricTotal(t, "HandlerPanics"); n != 1 {
		t.Fatalf("HandlerPanics = %v, want 1", n)
	}
	if len(te.logs.logsWith(t, "HTTP handler panicked")) != 1 || len(te.logs.logsWith(t, "HTTP handler failed")) != 1 {
		t.Fatalf("logs: %s", te.logs.String())
	}
}

func TestHTTPHandlerAnswersControlEvents(t *testing.T) {
	te := newHTTPTest(t, echoMux())
	raw, err := te.h.Invoke(invocation(t, "w1", time.Second), []byte(`{"lift":"warmup"}`))
	if err != nil || !strings.Contains(string(raw), `"coldStart":true`) {
		t.Fatalf("warm-up: %s %v", raw, err)
	}
	raw, err = te.h.Invoke(invocation(t, "h1", time.Second), []byte(`{"lift":"health"}`))
	if err != nil || !strings.Contains(string(raw), `"status":"pass"`) {
		t.Fatalf("health: %s %v", raw, err)
	}
}

// notHTTP are events of other sources (shapes from AWS's documentation) and
// near misses; none may be taken for an HTTP request.
var notHTTP = []string{
	`{"Records":[{"messageId":"059f36b4","receiptHandle":"AQEB","body":"{\"httpMethod\":\"GET\",\"path\":\"/\",\"resource\":\"/\",\"requestContext\":{}}","attributes":{},"eventSource":"aws:sqs"}]}`,
	`{"Records":[{"EventSource":"aws:sns","Sns":{"Message":"{\"rawPath\":\"/\",\"requestContext\":{\"http\":{}}}"}}]}`,
	`{"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}`,
	`{"version":"0","id":"6a7e8feb","detail-type":"Scheduled Event","source":"aws.events","detail":{"requestContext":{"http":{}},"rawPath":"/"}}`,
	`{"lift":"warmup"}`,
	`{"name":"ada"}`,
	`{"httpMethod":"GET","path":"/"}`,
	`{"rawPath":"/","requestContext":{}}`,
	`{"httpMethod":"GET","resource":"/","requestContext":{"elb":{}}}`,
	`{"httpMethod":1,"resource":"/","requestContext":{}}`,
	`{"rawPath":"/","requestContext":"http"}`,
	`[{"rawPath":"/","requestContext":{"http":{}}}]`,
	`"rawPath"`, `null`, ``, `{`,
}

func TestNotHTTPEvents(t *testing.T) {
	te := newHTTPTest(t, echoMux())
	for _, ev := range notHTTP {
		if k := detectHTTP([]byte(ev)); k != "" {
			t.Fatalf("%s detected as %s", ev, k)
		}
		if ev == `{"lift":"warmup"}` {
			continue
		}
		if _, err := te.h.Invoke(invocation(t, "n", time.Second), []byte(ev)); !errors.Is(err, ErrNotHTTPEvent) {
			t.Fatalf("%s: %v, want ErrNotHTTPEvent", ev, err)
		}
	}
}

// FuzzHTTPEvent: detection and translation never panic, and whatever is
// taken for an HTTP event is valid JSON with that kind's requestContext.
func FuzzHTTPEvent(f *testing.F) {
	for _, k := range kindFixtures {
		f.Add(fixture(f, k.file))
	}
	for _, ev := range notHTTP {
		f.Add([]byte(ev))
	}
	f.Add(postEvent("image/png", []byte{0, 1, 2}, true))
	h, err := newHTTPHandler(echoMux(), func(string) string { return "" }, WithLogWriter(io.Discard), WithMetrics(metrics.New(io.Discard, "Fuzz")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		ev, err := decodeHTTPEvent(p)
		if err == nil {
			var doc struct {
				RequestContext map[string]json.RawMessage `json:"requestContext"`
			}
			if json.Unmarshal(p, &doc) != nil || doc.RequestContext == nil {
				t.Fatalf("taken for %s without a requestContext object: %q", ev.kind, p)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		resp, err := h.Invoke(ctx, p)
		if err == nil && !json.Valid(resp) {
			t.Fatalf("answer is not JSON: %q", resp)
		}
	})
}

// TestScannerStringEscapes: the string scan finds the closing quote after
// any run of backslashes, as the byte-by-byte scan it replaced did.
func TestScannerStringEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`"a"x`:        `"a"`,
		`"a\"b"x`:     `"a\"b"`,
		`"a\\"x`:      `"a\\"`,
		`"a\\\"b"x`:   `"a\\\"b"`,
		`"\\\\"x`:     `"\\\\"`,
		`""x`:         `""`,
		`"\"`:         "",
		`"abc`:        "",
		`"x\\\\\\"x"`: `"x\\\\\\"`,
	} {
		s := scanner{b: []byte(in)}
		got, ok := s.str()
		if string(got) != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", in, got, ok, want)
		}
	}
}
