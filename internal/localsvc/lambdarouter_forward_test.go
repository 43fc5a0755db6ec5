package localsvc

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLambdaRouterForwardsTraceHeaders: the caller's ClientContext and X-Ray
// header reach the RIE instance, which hands them to the runtime as Lambda
// does; other headers (credentials, signatures) do not.
func TestLambdaRouterForwardsTraceHeaders(t *testing.T) {
	got := make(chan http.Header, 1)
	rie := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		got <- req.Header.Clone()
		_, _ = io.WriteString(w, `"ok"`)
	}))
	defer rie.Close()
	r, err := NewLambdaRouter(LambdaRoutes{"callee": {rie.URL + invocationPath}}, LambdaRouterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	const (
		clientContext = "eyJjdXN0b20iOnsidHJhY2VwYXJlbnQiOiIwMC00YmY5MmYzNTc3YjM0ZGE2YTNjZTkyOWQwZTBlNDczNi0wMGYwNjdhYTBiYTkwMmI3LTAxIn19"
		xray          = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	)
	req, _ := http.NewRequest(http.MethodPost, r.URL+invokePath+"callee"+invokeSuffix, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Client-Context", clientContext)
	req.Header.Set("X-Amzn-Trace-Id", xray)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/...")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := <-got
	if h.Get("X-Amz-Client-Context") != clientContext || h.Get("X-Amzn-Trace-Id") != xray {
		t.Errorf("RIE got X-Amz-Client-Context %q and X-Amzn-Trace-Id %q; want the caller's", h.Get("X-Amz-Client-Context"), h.Get("X-Amzn-Trace-Id"))
	}
	if h.Get("Authorization") != "" {
		t.Errorf("the caller's Authorization header reached RIE")
	}
}
