package localsvc

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzInvokedFunction: any path and query parse without panic, and a name
// escaped as SDKs escape it comes back unchanged, qualified by Qualifier.
func FuzzInvokedFunction(f *testing.F) {
	f.Add("arn:aws:lambda:us-east-1:123456789012:function:api:live", "")
	f.Add("api", "live")
	f.Add("a/b", "")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, name, qualifier string) {
		u := &url.URL{Path: invokePath + name + invokeSuffix, RawPath: invokePath + url.PathEscape(name) + invokeSuffix,
			RawQuery: url.Values{"Qualifier": {qualifier}}.Encode()}
		got, ok := invokedFunction(&http.Request{Method: http.MethodPost, URL: u})
		if name == "" || !ok {
			return // refused: fine, as long as it did not panic
		}
		want := name
		if qualifier != "" {
			want += ":" + qualifier
		}
		if got != want {
			t.Fatalf("invokedFunction(%q, Qualifier %q) = %q, want %q", name, qualifier, got, want)
		}
		// A raw (unescaped) path is parsed without panic too.
		_, _ = invokedFunction(&http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/" + strings.TrimPrefix(name, "/")}})
	})
}

// FuzzIsRuntimeError: any body is classified without panic, and a runtime's
// error object is always recognised.
func FuzzIsRuntimeError(f *testing.F) {
	f.Add([]byte(`{"errorMessage":"boom","errorType":"errorString"}`))
	f.Add([]byte(`{"sku":"widget"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = isRuntimeError(body)
		msg := string(body)
		if !isRuntimeError([]byte(`{"errorType":"x","errorMessage":` + quote(msg) + `}`)) {
			t.Fatalf("runtime error with message %q not recognised", msg)
		}
	})
}
