package lift

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// marshalV2 is the encoding appendV2 replaced: json.Marshal of the
// aws-lambda-go response type. appendV2 must say the same thing.
func marshalV2(w *bufferedResponse) []byte {
	body, b64 := w.bodyText()
	resp := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Body: body, IsBase64Encoded: b64, Headers: make(map[string]string, len(w.header))}
	for k, vs := range w.header {
		if k == "Set-Cookie" {
			resp.Cookies = vs
			continue
		}
		resp.Headers[k] = strings.Join(vs, ",")
	}
	out, err := json.Marshal(resp)
	if err != nil {
		panic(err)
	}
	return out
}

// sameV2 fails unless got is valid JSON decoding to what want decodes to.
func sameV2(t *testing.T, got, want []byte) {
	t.Helper()
	if !json.Valid(got) {
		t.Fatalf("not JSON: %q", got)
	}
	var g, w events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if len(g.Cookies) == 0 && len(w.Cookies) == 0 { // absent and null say the same
		g.Cookies, w.Cookies = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("appendV2 says\n%s\njson.Marshal says\n%s", got, want)
	}
}

// TestAppendV2 compares the hand-written payload 2.0 response with
// json.Marshal's for headers, cookies, escapes and bodies of every kind.
func TestAppendV2(t *testing.T) {
	for name, c := range map[string]struct {
		status int
		header http.Header
		body   string
	}{
		"empty":       {204, http.Header{}, ""},
		"json":        {200, http.Header{"Content-Type": {"application/json"}, "Content-Length": {"12"}}, `{"id":"42"}` + "\n"},
		"multi-value": {200, http.Header{"Vary": {"Accept", "Origin"}, "X-Empty": {}, "X-Nil": nil, "Link": {`</a>; rel="next"`, ""}}, "x"},
		"cookies":     {302, http.Header{"Set-Cookie": {"a=1; Path=/", `b="2"; HttpOnly`}, "Location": {"/next?a=1&b=<2>"}}, ""},
		"no cookies":  {200, http.Header{"Set-Cookie": {}}, ""},
		"binary":      {200, http.Header{"Content-Type": {"image/png"}}, "\x89PNG\r\n\x1a\n\x00\x01\xff"},
		"gzip text":   {200, http.Header{"Content-Type": {"text/plain"}, "Content-Encoding": {"gzip"}}, "\x1f\x8b\x08"},
		"escapes":     {500, http.Header{"X-Ctl": {"a\tb\x01\x1f\"\\"}, "Content-Type": {"text/plain; charset=utf-8"}}, "line1\nline2\r\t\"q\" \\ <html>&amp; \u2028\u2029 é 日本 🎉"},
		"bad utf-8":   {200, http.Header{"X-Bin": {"\xff\xfe", "\xc3", "\xa9"}, "Content-Type": {"text/csv"}}, "a\xffb\xc3(c\xed\xa0\x80"},
		"many":        {200, manyHeaders(40), strings.Repeat("z", 5000)},
	} {
		t.Run(name, func(t *testing.T) {
			w := newBufferedResponse()
			maps.Copy(w.header, c.header)
			w.WriteHeader(c.status)
			w.body.WriteString(c.body)
			w.finish()
			sameV2(t, w.appendV2(nil), marshalV2(w))
		})
	}
}

// TestAppendV2SortsNames: header names come in json.Marshal's order, so the
// same answer is the same bytes (less the null members appendV2 leaves out).
func TestAppendV2SortsNames(t *testing.T) {
	w := &bufferedResponse{header: manyHeaders(30), status: 200}
	got := w.appendV2(nil)
	want := strings.NewReplacer(`"multiValueHeaders":null,`, "", `,"cookies":null`, "").Replace(string(marshalV2(w)))
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func manyHeaders(n int) http.Header {
	h := http.Header{}
	for i := range n {
		h[http.CanonicalHeaderKey("x-h"+strings.Repeat("a", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26)))] = []string{strings.Repeat("v", i)}
	}
	return h
}

// FuzzAppendV2: for any header names, values, content type and body, the
// hand-written response is JSON and decodes to what json.Marshal's does.
func FuzzAppendV2(f *testing.F) {
	f.Add("X-A", "1", "Set-Cookie", "a=1", "text/plain", []byte("hello"))
	f.Add("X-A", "\xff<>&\u2028", "X-B", "\x00\"\\", "", []byte("\xc3(\n"))
	f.Add("Content-Encoding", "br", "X-B", "", "application/json", []byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, ctype string, body []byte) {
		w := newBufferedResponse()
		w.header[k1] = append(w.header[k1], v1)
		w.header[k2] = append(w.header[k2], v2, v1)
		if ctype != "" {
			w.header["Content-Type"] = []string{ctype}
		}
		w.body.Write(body)
		w.finish()
		sameV2(t, w.appendV2(nil), marshalV2(w))
	})
}
