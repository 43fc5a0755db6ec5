package multiservice

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// invokeRouter stands in for the Lambda Invoke API. It forwards an invocation
// of a known function (by the exact name or ARN the caller used) to the
// emulator serving it, and records every function asked for.
type invokeRouter struct {
	URL string

	mu      sync.Mutex
	targets map[string]string // function name or qualified ARN -> emulator invocation URL
	asked   []string
}

const invokePrefix = "/2015-03-31/functions/"

func startRouter(t *testing.T, targets map[string]string) *invokeRouter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("router listen: %v", err)
	}
	r := &invokeRouter{URL: "http://" + ln.Addr().String(), targets: targets}
	srv := &http.Server{Handler: r}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func (r *invokeRouter) Asked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.asked...)
}

func (r *invokeRouter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	name, ok := strings.CutPrefix(req.URL.Path, invokePrefix)
	name, ok2 := strings.CutSuffix(name, "/invocations")
	if !ok || !ok2 || req.Method != http.MethodPost {
		http.Error(w, `{"message":"router: not an Invoke call"}`, http.StatusNotFound)
		return
	}
	if q := req.URL.Query().Get("Qualifier"); q != "" {
		name += ":" + q
	}
	r.mu.Lock()
	r.asked = append(r.asked, name)
	target, known := r.targets[name]
	r.mu.Unlock()
	if !known {
		w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"Type":"User","Message":"Function not found: `+name+`"}`)
		return
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, err := http.Post(target, "application/json", bytes.NewReader(body))
	if err != nil {
		w.Header().Set("X-Amzn-Errortype", "ServiceException")
		http.Error(w, `{"message":"router: emulator unreachable"}`, http.StatusInternalServerError)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
