package dev

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/cmd/lift/internal/apigw"
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// invokePath is the emulator's invocation path every local-mode binary serves.
const invokePath = "/2015-03-31/functions/function/invocations"

// maxBody bounds a request body, as Lambda's 6 MB synchronous payload does.
const maxBody = 6 << 20

// service is one function under lift dev: a stable port whose proxy
// forwards to the current backend, swapped for a new build once it listens.
type service struct {
	fn      Function
	dev     *Dev
	ln      net.Listener
	srv     *http.Server
	cur     atomic.Pointer[backend]
	builds  sync.Mutex // one build and swap at a time
	gen     atomic.Int64
	lastErr string // the build error last shown, so it is shown once
	table   string // this build's own cache table, after a reload (freshCache)
	// retiring counts the swapped-out backends still finishing requests;
	// closing, closed by stop, cuts their grace short.
	retiring sync.WaitGroup
	closing  chan struct{}
}

func (s *service) url() string { return "http://" + s.ln.Addr().String() }

// serve starts the service's stable port.
func (s *service) serve() {
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(s.ln) }()
}

// ServeHTTP forwards an invocation as is, and turns any other request into
// an HTTP API event, as API Gateway would.
func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b := s.cur.Load()
	if b == nil {
		http.Error(w, "lift dev: "+s.fn.Service+" has no build running yet", http.StatusServiceUnavailable)
		return
	}
	b.inflight.Add(1)
	defer b.inflight.Add(-1)
	start := time.Now()
	if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = "http", b.addr
		}}).ServeHTTP(rec, r)
		s.dev.hub.request(s.fn.Service, time.Since(start), rec.status >= 500 || rec.Header().Get("X-Amz-Function-Error") != "")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, `{"message":"Request Entity Too Large"}`, http.StatusRequestEntityTooLarge)
		return
	}
	payload, _ := json.Marshal(apigw.Event(r, body, newID()))
	out, funcErr, err := invokeAt(r.Context(), b, payload)
	failed := err != nil || funcErr
	switch {
	case err != nil:
		http.Error(w, `{"message":"Service Unavailable"}`, http.StatusServiceUnavailable)
	case funcErr:
		// API Gateway hides the function's error; its log line has it.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"Internal Server Error"}`))
	default:
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		apigw.WriteResult(rec, out)
		failed = rec.status >= 500
	}
	s.dev.hub.request(s.fn.Service, time.Since(start), failed)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// invoke sends payload to the current backend's invocation path and returns
// its answer, and whether it was a function error.
func (s *service) invoke(ctx context.Context, payload []byte) ([]byte, bool, error) {
	b := s.cur.Load()
	if b == nil {
		return nil, false, errors.New(s.fn.Service + " has no build running")
	}
	return invokeAt(ctx, b, payload)
}

func invokeAt(ctx context.Context, b *backend, payload []byte) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+b.addr+invokePath, bytes.NewReader(payload))
	if err != nil {
		return nil, false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, false, err
	}
	if resp.StatusCode != http.StatusOK {
		return out, true, nil
	}
	return out, resp.Header.Get("X-Amz-Function-Error") != "", nil
}

// build compiles the function into a new folder and returns the binary.
func (s *service) build(ctx context.Context) (string, error) {
	dir := filepath.Join(s.dev.work, "bin", fmt.Sprintf("%s-%d", s.fn.Service, s.gen.Add(1)))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return localsvc.BuildHandler(ctx, s.dev.App, s.fn.Pkg, dir)
}

// reload builds the function and, when the build succeeds, starts it and
// swaps it in; the previous backend keeps serving until then and finishes
// its in-flight requests after. A failed build leaves the previous running.
func (s *service) reload(ctx context.Context, why string) error {
	s.builds.Lock()
	defer s.builds.Unlock()
	start := time.Now()
	prevStatus := StatusStarting
	if s.cur.Load() != nil {
		prevStatus = StatusUp
	}
	s.dev.hub.update(s.fn.Service, func(st *ServiceStats) { st.Status = StatusRebuilding })
	bin, err := s.build(ctx)
	if err != nil {
		msg := strings.TrimSpace(err.Error())
		if msg != s.lastErr { // shown once, not on every save of another file
			fmt.Fprintf(s.dev.Stderr, "%s build failed (the last good build keeps serving):\n%s\n", s.fn.Service, indent(msg))
		}
		s.lastErr = msg
		s.dev.hub.update(s.fn.Service, func(st *ServiceStats) { st.Status, st.BuildError = StatusBuildFailed, msg })
		return err
	}
	if err := s.freshCache(ctx, prevStatus == StatusUp); err != nil {
		fmt.Fprintln(s.dev.Stderr, err)
	}
	nb, err := startBackend(ctx, bin, s.env, s.dev.App, func(line []byte) {
		if span := s.dev.hub.line(s.fn.Service, line); s.dev.Verbose && !span { // spans are the Traces view's
			fmt.Fprintf(s.dev.Stderr, "%s | %s\n", s.fn.Service, line)
		}
	})
	if err != nil {
		msg := fmt.Sprintf("%s did not start: %v", s.fn.Service, err)
		fmt.Fprintln(s.dev.Stderr, msg)
		s.dev.hub.update(s.fn.Service, func(st *ServiceStats) { st.Status, st.BuildError = prevStatus, msg })
		return err
	}
	s.lastErr = ""
	cold := s.warm(ctx, nb) // before the swap: no request pays the cold start
	old := s.cur.Swap(nb)
	took := time.Since(start)
	s.dev.hub.update(s.fn.Service, func(st *ServiceStats) {
		st.Status, st.BuildError = StatusUp, ""
		st.ColdStartMs = cold.Milliseconds()
		if old != nil {
			st.LastReload = fmt.Sprintf("%.1fs", took.Seconds())
		}
	})
	if old != nil {
		fmt.Fprintf(s.dev.Stderr, "%s reloaded in %.1fs (%s; cold start %s absorbed by the warm-up)\n", s.fn.Service, took.Seconds(), why, cold.Round(time.Millisecond))
		s.retiring.Go(func() { s.retire(old) })
	} else {
		fmt.Fprintf(s.dev.Stderr, "%s started in %.1fs (cold start %s absorbed by the warm-up)\n", s.fn.Service, took.Seconds(), cold.Round(time.Millisecond))
	}
	return nil
}

// maxDrain bounds how long a swapped-out backend may finish what it was
// given: Lambda's longest timeout.
const maxDrain = 15 * time.Minute

// retire stops a swapped-out backend once the requests it was given have
// ended (those that picked it just before the swap included): a job the
// worker is running completes on the code it started with, and the next
// one runs on the new build. Stopping lift dev cuts the wait short.
func (s *service) retire(old *backend) {
	graceEnd := time.Now().Add(500 * time.Millisecond)
	limit := time.After(maxDrain)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for drained := false; !drained; {
		select {
		case <-s.closing:
			drained = true
		case <-limit:
			fmt.Fprintf(s.dev.Stderr, "%s: the previous build still runs a request after %s; stopping it\n", s.fn.Service, maxDrain)
			drained = true
		case now := <-tick.C:
			drained = now.After(graceEnd) && old.inflight.Load() == 0
		}
	}
	old.stop(3 * time.Second)
}

// freshCache gives a reloaded build an empty DynamoDB cache table of its
// own: values cached by the previous build came from the previous code, and
// a developer who saves a change wants to see the new code answer. (Lift dev
// stands in for a deploy here; a deployed cache keeps its values.)
//
// A service with jobs keeps its table: its function and worker share the
// job records there, which must outlive a rebuild of either.
func (s *service) freshCache(ctx context.Context, reload bool) error {
	if !reload || s.dev.moto == nil || s.fn.Env[contract.EnvCacheKind] != contract.CacheKindDynamoDB || s.fn.Env[contract.EnvJobsQueueURL] != "" {
		return nil
	}
	table, err := s.dev.newCacheTable(ctx, s.fn, fmt.Sprintf("lift-dev-%s-cache-%d", s.fn.Service, s.gen.Load()))
	if err != nil {
		return err // the new build keeps the previous table
	}
	s.table = table
	return nil
}

func (s *service) env(addr string) []string {
	env, _ := localEnv(s.fn, addr, s.dev.awsURL, s.dev.dynamoURL(), sha256Hex(s.dev.token))
	if s.table != "" {
		env = append(env, contract.EnvCacheTable+"="+s.table) // the last value wins
	}
	return env
}

// warm sends the warm-up event to a new backend, as the warmer would, and
// returns the cold start it absorbed: from the process's start to the
// warm-up's answer (init plus warm-up hooks).
func (s *service) warm(ctx context.Context, b *backend) time.Duration {
	ev, _ := json.Marshal(map[string]string{"lift": contract.ControlWarmup, contract.ControlTokenField: s.dev.token})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if out, funcErr, err := invokeAt(ctx, b, ev); err != nil || funcErr {
		fmt.Fprintf(s.dev.Stderr, "%s warm-up failed: %v %s\n", s.fn.Service, err, out)
	}
	return time.Since(b.started)
}

// health sends the health event and records its status.
func (s *service) health(ctx context.Context) (json.RawMessage, error) {
	ev, _ := json.Marshal(map[string]string{"lift": contract.ControlHealth, contract.ControlTokenField: s.dev.token})
	out, funcErr, err := s.invoke(ctx, ev)
	if err != nil {
		return nil, err
	}
	if funcErr {
		return out, errors.New("the health event failed")
	}
	var rep struct{ Status string }
	_ = json.Unmarshal(out, &rep)
	s.dev.hub.update(s.fn.Service, func(st *ServiceStats) { st.Health = rep.Status })
	return out, nil
}

// stop stops the stable port, then the backend, after any reload under
// way (its build ends with the context; a rebuild asked on the dashboard
// finishes first, so its backend is stopped too).
func (s *service) stop() {
	s.builds.Lock()
	defer s.builds.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if s.srv != nil {
		_ = s.srv.Shutdown(ctx)
	}
	close(s.closing)
	if b := s.cur.Swap(nil); b != nil {
		b.stop(3 * time.Second)
	}
	s.retiring.Wait()
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }
