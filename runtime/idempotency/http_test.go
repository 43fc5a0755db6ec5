package idempotency_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/idempotency/valkeystore"
)

// valkey starts a real server and returns a store on it.
func valkey(t *testing.T) (*testsvc.RedisServer, idempotency.Store) {
	t.Helper()
	r := testsvc.Redis(t, testsvc.RedisOptions{Binary: "valkey-server"})
	c, err := valkeycache.New(context.Background(), valkeycache.Config{Endpoint: r.Addr, TLS: false, Auth: contract.CacheAuthNone})
	if err != nil {
		t.Fatal(err)
	}
	s, err := valkeystore.New(c.Client())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return r, s
}

// orders counts its runs and answers 201 with a header and a body that
// differ per run, so a replay is told apart from a second run.
type orders struct {
	runs    atomic.Int32
	status  int
	release chan struct{}
}

func (o *orders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := o.runs.Add(1)
	if o.release != nil {
		<-o.release
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Location", fmt.Sprintf("/orders/%d", n))
	w.Header().Set("Content-Type", "application/json")
	status := o.status
	if status == 0 {
		status = http.StatusCreated
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"order":%d,"request":%q}`, n, body)
}

type reply struct {
	status   int
	header   http.Header
	body     string
	replayed bool
}

func send(t *testing.T, url, method, key, body string, header ...string) reply {
	t.Helper()
	r, err := request(url, method, key, body, header...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func request(url, method, key, body string, header ...string) (reply, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	if key != "" {
		req.Header.Set(idempotency.HeaderKey, key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b), resp.Header.Get(idempotency.HeaderReplayed) == "true"}, err
}

func serve(t *testing.T, h http.Handler, store idempotency.Store, opts ...idempotency.MiddlewareOption) string {
	t.Helper()
	srv := httptest.NewServer(idempotency.Middleware(store, opts...)(h))
	t.Cleanup(srv.Close)
	return srv.URL + "/orders"
}

func wantProblem(t *testing.T, got reply, status int, title string) {
	t.Helper()
	var p struct {
		Title  string `json:"title"`
		Status int    `json:"status"`
	}
	if got.status != status || got.header.Get("Content-Type") != "application/problem+json" ||
		json.Unmarshal([]byte(got.body), &p) != nil || p.Title != title || p.Status != status {
		t.Fatalf("got %d %s %s; want a %d problem titled %q", got.status, got.header.Get("Content-Type"), got.body, status, title)
	}
}

func TestMiddlewareReplaysStatusHeadersAndBody(t *testing.T) {
	_, store := valkey(t)
	h := &orders{}
	url := serve(t, h, store)
	first := send(t, url, http.MethodPost, "a1", `{"qty":1}`)
	if first.status != http.StatusCreated || first.replayed {
		t.Fatalf("first = %+v", first)
	}
	for _, key := range []string{"a1", `"a1"`} { // the draft's quoted form names the same key
		again := send(t, url, http.MethodPost, key, `{"qty":1}`)
		if again.status != first.status || again.body != first.body || again.header.Get("Location") != "/orders/1" || !again.replayed {
			t.Fatalf("replay with key %s = %+v; want %+v replayed", key, again, first)
		}
	}
	if n := h.runs.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want once", n)
	}
	wantProblem(t, send(t, url, http.MethodPost, "a1", `{"qty":2}`), http.StatusUnprocessableEntity, "Idempotency-Key reused")
	wantProblem(t, send(t, url+"?x=1", http.MethodPost, "a1", `{"qty":1}`), http.StatusUnprocessableEntity, "Idempotency-Key reused")
	if n := h.runs.Load(); n != 1 {
		t.Fatalf("handler ran %d times after refused reuse, want once", n)
	}
}

func TestMiddlewarePassesThrough(t *testing.T) {
	_, store := valkey(t)
	h := &orders{}
	url := serve(t, h, store)
	for _, r := range []reply{send(t, url, http.MethodGet, "g", ""), send(t, url, http.MethodGet, "g", ""),
		send(t, url, http.MethodPost, "", "x"), send(t, url, http.MethodPost, "", "x")} {
		if r.replayed {
			t.Fatalf("replayed %+v", r)
		}
	}
	if n := h.runs.Load(); n != 4 {
		t.Fatalf("safe or keyless requests ran the handler %d times, want 4", n)
	}
	wantProblem(t, send(t, serve(t, h, store, idempotency.RequireKey()), http.MethodPost, "", "x"), http.StatusBadRequest, "Idempotency-Key required")
	wantProblem(t, send(t, url, http.MethodPost, strings.Repeat("k", idempotency.MaxHeaderKeyBytes+1), "x"), http.StatusBadRequest, "Invalid Idempotency-Key")
	wantProblem(t, send(t, url, http.MethodPost, `"unterminated`, "x"), http.StatusBadRequest, "Invalid Idempotency-Key")
	small := serve(t, h, store, idempotency.MaxBodyBytes(4))
	wantProblem(t, send(t, small, http.MethodPost, "big", "12345"), http.StatusRequestEntityTooLarge, "Request body too large")
}

func TestMiddlewareDoesNotStoreServerErrors(t *testing.T) {
	_, store := valkey(t)
	h := &orders{status: http.StatusBadGateway}
	url := serve(t, h, store)
	if r := send(t, url, http.MethodPost, "k", "x"); r.status != http.StatusBadGateway {
		t.Fatalf("first = %+v", r)
	}
	h.status = 0
	if r := send(t, url, http.MethodPost, "k", "x"); r.status != http.StatusCreated || r.replayed || h.runs.Load() != 2 {
		t.Fatalf("retry after a 502 = %+v after %d runs; want the handler to run again", r, h.runs.Load())
	}
}

func TestMiddlewareConflictWhileInProgress(t *testing.T) {
	_, store := valkey(t)
	h := &orders{release: make(chan struct{})}
	url := serve(t, h, store, idempotency.WithDoOptions(idempotency.WithWait(0)))
	done := make(chan reply)
	go func() {
		r, err := request(url, http.MethodPost, "slow", "x")
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	for h.runs.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	r := send(t, url, http.MethodPost, "slow", "x")
	wantProblem(t, r, http.StatusConflict, "Request in progress")
	if r.header.Get("Retry-After") == "" {
		t.Error("409 without Retry-After")
	}
	close(h.release)
	if first := <-done; first.status != http.StatusCreated {
		t.Fatalf("first = %+v", first)
	}
}

func TestMiddlewareKeyScope(t *testing.T) {
	_, store := valkey(t)
	h := &orders{}
	url := serve(t, h, store, idempotency.KeyScope(func(r *http.Request) string { return r.Header.Get("X-User") }))
	alice := send(t, url, http.MethodPost, "same", "x", "X-User", "alice")
	bob := send(t, url, http.MethodPost, "same", "x", "X-User", "bob")
	if alice.body == bob.body || bob.replayed || h.runs.Load() != 2 {
		t.Fatalf("bob got %+v after alice's %+v; want his own run", bob, alice)
	}
}

// A store outage answers 503 with nothing of the store in the body.
func TestMiddlewareStoreDown(t *testing.T) {
	r, store := valkey(t)
	h := &orders{}
	var logs strings.Builder
	url := serve(t, h, store, idempotency.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	r.Stop(t)
	got := send(t, url, http.MethodPost, "k", "x")
	wantProblem(t, got, http.StatusServiceUnavailable, "Idempotency check unavailable")
	if strings.Contains(got.body, r.Addr) || strings.Contains(strings.ToLower(got.body), "valkey") {
		t.Fatalf("error body reveals the store: %s", got.body)
	}
	if h.runs.Load() != 0 || !strings.Contains(logs.String(), "store failed") {
		t.Fatalf("handler ran %d times; log %q", h.runs.Load(), logs.String())
	}
}
