package localsvc

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLambdaRouterLogTail: with LogType Tail the answer carries what the
// instance logged during the invocation (not before), as Lambda's does;
// other requests go to the fallback.
func TestLambdaRouterLogTail(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "fn.log")
	if err := os.WriteFile(logFile, []byte("earlier invocation\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rie := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, _ := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0o600)
		_, _ = f.WriteString("{\"msg\":\"handled\"}\nREPORT RequestId: r-1\tDuration: 1.00 ms\n")
		f.Close()
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer rie.Close()
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "fallback "+r.URL.Path) })
	r, err := NewLambdaRouter(LambdaRoutes{"fn:live": {rie.URL}}, LambdaRouterOptions{LogFiles: map[string]string{rie.URL: logFile}, Fallback: fallback})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	req, _ := http.NewRequest(http.MethodPost, r.URL+"/2015-03-31/functions/fn/invocations?Qualifier=live", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Log-Type", "Tail")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	logs, err := base64.StdEncoding.DecodeString(resp.Header.Get("X-Amz-Log-Result"))
	if err != nil || !strings.Contains(string(logs), `"handled"`) || !strings.Contains(string(logs), "REPORT RequestId: r-1") || strings.Contains(string(logs), "earlier") {
		t.Fatalf("X-Amz-Log-Result = %q (%v); want exactly this invocation's lines", logs, err)
	}
	resp, err = http.Get(r.URL + "/2015-03-31/functions/fn/configuration")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "fallback /2015-03-31/functions/fn/configuration" {
		t.Fatalf("a non-Invoke request answered %q, want the fallback's", body)
	}
}
