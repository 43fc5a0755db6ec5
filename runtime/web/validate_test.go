package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liftcdk/lift/runtime/lift"
)

var itemSchema = MustCompileSchema("create-item.json", []byte(`{
  "type": "object",
  "required": ["name", "qty"],
  "properties": {
    "name": {"type": "string", "minLength": 1},
    "qty": {"type": "integer", "minimum": 1},
    "tags": {"type": "array", "items": {"type": "string"}}
  },
  "additionalProperties": false
}`))

func post(h http.Handler, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/items", strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestValidateRequest(t *testing.T) {
	var got string
	h := ValidateRequest(itemSchema, 256)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		w.WriteHeader(http.StatusCreated)
	}))
	if w := post(h, "application/json", `{"name":"ada","qty":2}`); w.Code != 201 || got != `{"name":"ada","qty":2}` {
		t.Fatalf("valid: %d, handler read %q", w.Code, got)
	}
	w := post(h, "application/json; charset=utf-8", `{"name":"","qty":0,"tags":[1,"a",2],"x":1}`)
	var p lift.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != 400 || w.Header().Get("Content-Type") != lift.ProblemContentType {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	pointers := map[string]bool{}
	for _, e := range p.Errors {
		pointers[e.Pointer] = true
		if e.Detail == "" {
			t.Fatalf("violation without detail: %+v", e)
		}
	}
	for _, want := range []string{"/name", "/qty", "/tags/0", "/tags/2", ""} {
		if !pointers[want] {
			t.Fatalf("every violation must be listed; missing %q in %+v", want, p.Errors)
		}
	}
	if len(p.Errors) != 5 {
		t.Fatalf("only leaf violations: %+v", p.Errors)
	}
	for _, c := range []struct {
		ct, body string
		status   int
	}{
		{"text/plain", `{"name":"a","qty":1}`, 415},
		{"application/json", `{"name":`, 400},
		{"application/json", `{"name":"` + strings.Repeat("a", 300) + `","qty":1}`, 413},
		{"application/merge-patch+json", `{"name":"a","qty":1}`, 201},
	} {
		if w := post(h, c.ct, c.body); w.Code != c.status {
			t.Fatalf("%s %.30s: %d %s", c.ct, c.body, w.Code, w.Body)
		}
	}
	get := httptest.NewRecorder()
	h.ServeHTTP(get, httptest.NewRequest("GET", "/items", nil))
	if get.Code != 201 {
		t.Fatal("GET has no body to validate")
	}
}

func TestCompileSchemaErrors(t *testing.T) {
	for _, doc := range []string{`{`, `{"type":"nope"}`, `{"$ref":"https://example.com/other.json"}`} {
		if _, err := CompileSchema("bad.json", []byte(doc)); err == nil || !strings.Contains(err.Error(), "bad.json") {
			t.Fatalf("%s: %v", doc, err)
		}
	}
}

func TestValidateResponse(t *testing.T) {
	out := MustCompileSchema("item.json", []byte(`{"type":"object","required":["id"]}`))
	handler := func(body string) http.Handler {
		return ValidateResponse(out)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}))
	}
	w := httptest.NewRecorder()
	handler(`{"id":"1"}`).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || w.Body.String() != `{"id":"1"}` {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	handler(`{"name":"x"}`).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), "item.json") {
		t.Fatalf("a drifting response: %d %s", w.Code, w.Body)
	}
}
