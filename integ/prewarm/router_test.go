package prewarm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/liftcdk/lift/internal/contract"
)

// router plays the Lambda service for one function: it answers the Invoke
// API path and sends each invocation to an idle RIE instance, as Lambda sends
// one to an idle environment. RIE runs one invocation at a time, so a busy
// instance is skipped; when all are busy the invoke is throttled, as Lambda
// throttles at a function's concurrency limit.
type router struct {
	URL string

	t         testing.TB
	arn       string
	instances []string // RIE invocation URLs
	client    *http.Client

	mu        sync.Mutex
	busy      []bool
	served    []int                   // invocations per RIE instance
	ids       map[int]map[string]bool // instance ids answered per RIE instance
	throttled int
	badPaths  []string
}

func newRouter(t testing.TB, arn string, instances []string) *router {
	r := &router{
		t: t, arn: arn, instances: instances, client: &http.Client{},
		busy: make([]bool, len(instances)), served: make([]int, len(instances)), ids: map[int]map[string]bool{},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("router: listen on loopback: %v", err)
	}
	srv := &http.Server{Handler: r}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	r.URL = "http://" + ln.Addr().String()
	return r
}

const invokePrefix, invokeSuffix = "/2015-03-31/functions/", "/invocations"

func (r *router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	name, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(req.URL.EscapedPath(), invokePrefix), invokeSuffix))
	if req.Method != http.MethodPost || !strings.HasPrefix(req.URL.Path, invokePrefix) || err != nil || name != r.arn {
		r.mu.Lock()
		r.badPaths = append(r.badPaths, req.Method+" "+req.URL.String())
		r.mu.Unlock()
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"Type":"User","message":"Function not found: %s"}`, name)
		return
	}
	body, _ := io.ReadAll(req.Body)
	i := r.acquire()
	if i < 0 {
		w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}`)
		return
	}
	resp, err := r.client.Post(r.instances[i], "application/json", bytes.NewReader(body))
	r.release(i)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, `{"message":"router: RIE instance %d: %v"}`, i, err)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var ans contract.WarmupResponse
	if json.Unmarshal(out, &ans) == nil && ans.InstanceID != "" {
		r.mu.Lock()
		if r.ids[i] == nil {
			r.ids[i] = map[string]bool{}
		}
		r.ids[i][ans.InstanceID] = true
		r.mu.Unlock()
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Amz-Executed-Version", "1")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// acquire marks the first idle instance busy; -1 when all are busy.
func (r *router) acquire() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, b := range r.busy {
		if !b {
			r.busy[i] = true
			r.served[i]++
			return i
		}
	}
	r.throttled++
	return -1
}

func (r *router) release(i int) {
	r.mu.Lock()
	r.busy[i] = false
	r.mu.Unlock()
}
