package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

type fakeClock struct{ t atomic.Int64 }

func (f *fakeClock) now() time.Time          { return time.Unix(0, f.t.Load()) }
func (f *fakeClock) advance(d time.Duration) { f.t.Add(int64(d)) }

func newMemory(t testing.TB) *cache.Memory {
	t.Helper()
	m, err := cache.NewMemory(cache.WithMaxBytes(1 << 20))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// itemsAPI counts handler runs; GET answers with the header cc.
type itemsAPI struct {
	runs  atomic.Int64
	cc    string
	fail  atomic.Bool
	extra func(w http.ResponseWriter)
}

func (a *itemsAPI) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		n := a.runs.Add(1)
		if a.fail.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Cache-Control", a.cc)
		w.Header().Set("Content-Type", "application/json")
		if a.extra != nil {
			a.extra(w)
		}
		fmt.Fprintf(w, `{"id":%q,"run":%d,"lang":%q}`, r.PathValue("id"), n, r.Header.Get("Accept-Language"))
	})
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		n := a.runs.Add(1)
		w.Header().Set("Cache-Control", a.cc)
		w.Header().Set(CacheTagHeader, "catalog")
		fmt.Fprintf(w, `{"list":%d}`, n)
	})
	mux.HandleFunc("PUT /items/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("POST /prices", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(CacheTagHeader, "catalog")
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("POST /broken", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) })
	return mux
}

func serve(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func newCached(t testing.TB, api *itemsAPI, opts ...CacheOption) (http.Handler, *fakeClock) {
	h, clock, _ := newCachedOn(t, newMemory(t), api, opts...)
	return h, clock
}

func newCachedOn(t testing.TB, c cache.Cache, api *itemsAPI, opts ...CacheOption) (http.Handler, *fakeClock, *responseCache) {
	clock := &fakeClock{}
	clock.t.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	rc := newResponseCache(c, opts...)
	rc.now = clock.now
	return rc.middleware(api.mux()), clock, rc
}

func TestResponseCacheHitMissAndMaxAge(t *testing.T) {
	api := &itemsAPI{cc: "max-age=60"}
	h, clock := newCached(t, api)
	first := serve(h, "GET", "/items/1?a=1")
	second := serve(h, "GET", "/items/1?a=1")
	if api.runs.Load() != 1 || first.Header().Get("X-Cache") != "miss" || second.Header().Get("X-Cache") != "hit" || first.Body.String() != second.Body.String() {
		t.Fatalf("runs %d, %s %q / %s %q", api.runs.Load(), first.Header().Get("X-Cache"), first.Body, second.Header().Get("X-Cache"), second.Body)
	}
	if second.Header().Get("Content-Type") != "application/json" || second.Header().Get("Etag") == "" || second.Header().Get("Etag") != first.Header().Get("Etag") {
		t.Fatalf("headers of a hit: %v", second.Header())
	}
	clock.advance(30 * time.Second)
	if w := serve(h, "GET", "/items/1?a=1"); w.Header().Get("Age") != "30" || api.runs.Load() != 1 {
		t.Fatalf("age %q runs %d", w.Header().Get("Age"), api.runs.Load())
	}
	serve(h, "GET", "/items/1?a=2") // another query is another key
	serve(h, "GET", "/items/2?a=1")
	if api.runs.Load() != 3 {
		t.Fatalf("distinct keys must miss: runs %d", api.runs.Load())
	}
	clock.advance(31 * time.Second)
	if w := serve(h, "GET", "/items/1?a=1"); w.Header().Get("X-Cache") != "miss" || api.runs.Load() != 4 {
		t.Fatalf("past max-age: %s runs %d", w.Header().Get("X-Cache"), api.runs.Load())
	}
}

func TestResponseCacheNotStored(t *testing.T) {
	for _, c := range []struct {
		name, cc string
		extra    func(http.ResponseWriter)
		reqCC    string
	}{
		{"no-store", "no-store", nil, ""},
		{"private", "private, max-age=60", nil, ""},
		{"no max-age and no default", "", nil, ""},
		{"set-cookie", "max-age=60", func(w http.ResponseWriter) { w.Header().Add("Set-Cookie", "a=b") }, ""},
		{"vary not configured", "max-age=60", func(w http.ResponseWriter) { w.Header().Set("Vary", "Authorization") }, ""},
		{"request no-store", "max-age=60", nil, "no-store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := &itemsAPI{cc: c.cc, extra: c.extra}
			h, _ := newCached(t, api)
			serve(h, "GET", "/items/1", "Cache-Control", c.reqCC)
			serve(h, "GET", "/items/1", "Cache-Control", c.reqCC)
			if api.runs.Load() != 2 {
				t.Fatalf("stored: runs %d", api.runs.Load())
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		api := &itemsAPI{cc: "max-age=60"}
		api.fail.Store(true)
		h, _ := newCached(t, api)
		serve(h, "GET", "/items/1")
		serve(h, "GET", "/items/1")
		if api.runs.Load() != 2 {
			t.Fatalf("a 503 was cached")
		}
	})
}

func TestResponseCacheVaryAndDefaultTTL(t *testing.T) {
	api := &itemsAPI{extra: func(w http.ResponseWriter) { w.Header().Set("Vary", "Accept-Language") }}
	h, _ := newCached(t, api, WithVary("accept-language"), WithDefaultTTL(time.Minute))
	en := serve(h, "GET", "/items/1", "Accept-Language", "en")
	fr := serve(h, "GET", "/items/1", "Accept-Language", "fr")
	en2 := serve(h, "GET", "/items/1", "Accept-Language", "en")
	if api.runs.Load() != 2 || en.Body.String() != en2.Body.String() || !strings.Contains(fr.Body.String(), `"fr"`) {
		t.Fatalf("runs %d: %s %s %s", api.runs.Load(), en.Body, fr.Body, en2.Body)
	}
}

func TestResponseCacheETag304(t *testing.T) {
	api := &itemsAPI{cc: "max-age=60"}
	h, _ := newCached(t, api)
	etag := serve(h, "GET", "/items/1").Header().Get("Etag")
	w := serve(h, "GET", "/items/1", "If-None-Match", etag)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("Etag") != etag {
		t.Fatalf("%d %q %v", w.Code, w.Body, w.Header())
	}
	if w := serve(h, "GET", "/items/1", "If-None-Match", `"other"`); w.Code != 200 || w.Body.Len() == 0 {
		t.Fatalf("a different etag must get the body: %d", w.Code)
	}
	// On a miss too: the fresh answer's etag is compared.
	h2, _ := newCached(t, &itemsAPI{cc: "max-age=60"})
	w = serve(h2, "GET", "/items/1", "If-None-Match", "W/"+etagOf([]byte(`{"id":"1","run":1,"lang":""}`)))
	if w.Code != http.StatusNotModified || w.Header().Get("X-Cache") != "miss" {
		t.Fatalf("a miss with a matching etag: %d %s", w.Code, w.Header().Get("X-Cache"))
	}
}

func TestResponseCacheStaleWhileRevalidate(t *testing.T) {
	api := &itemsAPI{cc: "max-age=10, stale-while-revalidate=60"}
	h, clock := newCached(t, api)
	serve(h, "GET", "/items/1")
	clock.advance(20 * time.Second)
	// The first request past max-age refreshes in its own call.
	if w := serve(h, "GET", "/items/1"); w.Header().Get("X-Cache") != "miss" || !strings.Contains(w.Body.String(), `"run":2`) {
		t.Fatalf("refresh: %s %s", w.Header().Get("X-Cache"), w.Body)
	}
	clock.advance(20 * time.Second)
	api.fail.Store(true)
	// A failing refresh serves the stale answer.
	if w := serve(h, "GET", "/items/1"); w.Code != 200 || w.Header().Get("X-Cache") != "stale" || !strings.Contains(w.Body.String(), `"run":2`) {
		t.Fatalf("stale-if-error: %d %s %s", w.Code, w.Header().Get("X-Cache"), w.Body)
	}
	// While another request refreshes, a stale entry is served at once.
	api.fail.Store(false)
	rc := newResponseCache(newMemory(t))
	rc.now = clock.now
	h2 := rc.middleware(api.mux())
	serve(h2, "GET", "/items/9")
	clock.advance(20 * time.Second)
	rc.inflight.Store(rc.key("", httptest.NewRequest("GET", "/items/9", nil)), struct{}{})
	runs := api.runs.Load()
	if w := serve(h2, "GET", "/items/9"); w.Header().Get("X-Cache") != "stale" || api.runs.Load() != runs {
		t.Fatalf("concurrent stale: %s", w.Header().Get("X-Cache"))
	}
	clock.advance(time.Hour)
	if w := serve(h2, "GET", "/items/9"); w.Header().Get("X-Cache") != "miss" {
		t.Fatalf("past stale-while-revalidate: %s", w.Header().Get("X-Cache"))
	}
}

func TestResponseCacheInvalidation(t *testing.T) {
	api := &itemsAPI{cc: "max-age=600"}
	mem := newMemory(t)
	h, clock, _ := newCachedOn(t, mem, api)
	warm := func() {
		for _, p := range []string{"/items/1", "/items/2", "/items"} {
			serve(h, "GET", p)
		}
	}
	hits := func() (n int) {
		for _, p := range []string{"/items/1", "/items/2", "/items"} {
			if serve(h, "GET", p).Header().Get("X-Cache") == "hit" {
				n++
			}
		}
		return n
	}
	warm()
	if n := hits(); n != 3 {
		t.Fatalf("warm: %d hits", n)
	}
	clock.advance(time.Millisecond)
	if w := serve(h, "PUT", "/items/1"); w.Code != http.StatusNoContent {
		t.Fatal(w.Code)
	}
	if w := serve(h, "GET", "/items/1"); w.Header().Get("X-Cache") != "miss" {
		t.Fatal("PUT /items/1 must invalidate GET /items/1")
	}
	if w := serve(h, "GET", "/items/2"); w.Header().Get("X-Cache") != "hit" {
		t.Fatal("PUT /items/1 must leave /items/2")
	}
	serve(h, "POST", "/broken") // a 4xx invalidates nothing
	if n := hits(); n != 3 {
		t.Fatalf("after a failed POST: %d hits", n)
	}
	serve(h, "POST", "/prices") // its answer names the tag "catalog", which GET /items declared
	if w := serve(h, "GET", "/items"); w.Header().Get("X-Cache") != "miss" || w.Header().Get(CacheTagHeader) != "" {
		t.Fatalf("tag invalidation: %s, tag header %q", w.Header().Get("X-Cache"), w.Header().Get(CacheTagHeader))
	}
	warm()
	if err := Invalidate(context.Background(), mem, "/items"); err != nil {
		t.Fatal(err)
	}
	if n := hits(); n != 0 {
		t.Fatalf("Invalidate(/items) left %d hits", n)
	}
	warm()
	if err := Invalidate(context.Background(), mem, "catalog"); err != nil {
		t.Fatal(err)
	}
	if serve(h, "GET", "/items").Header().Get("X-Cache") != "miss" || serve(h, "GET", "/items/1").Header().Get("X-Cache") != "hit" {
		t.Fatal("Invalidate(catalog) must drop exactly the tagged answers")
	}
}

func TestResponseCacheEntryDecodeNeverPanics(t *testing.T) {
	e := entry{storedAt: time.Unix(5, 0), maxAge: time.Minute, status: 200, deps: []dep{{"http-gen/p/items", 7}}, header: http.Header{"A": {"b", "c"}}, body: []byte("body")}
	enc := e.encode()
	decode := func(b []byte) (entry, []dep, http.Header, []byte, error) {
		got, rest, err := decodeHead(b)
		if err != nil {
			return got, nil, nil, nil, err
		}
		var deps []dep
		if !rest.eachDep(func(k string, g uint64) bool { deps = append(deps, dep{k, g}); return true }) {
			return got, nil, nil, nil, errBadEntry
		}
		h := http.Header{}
		body, err := rest.writeHeaders(h, "X-Cache", "hit")
		return got, deps, h, body, err
	}
	for i := range len(enc) - len(e.body) {
		if _, _, _, _, err := decode(enc[:i]); err == nil {
			t.Fatalf("a truncated entry (%d of %d bytes) decoded", i, len(enc))
		}
	}
	got, deps, h, body, err := decode(enc)
	if err != nil || got.status != 200 || got.storedAt != e.storedAt || deps[0] != e.deps[0] || string(body) != "body" || len(h["A"]) != 2 || h.Get("X-Cache") != "hit" {
		t.Fatalf("%+v %v %v %q %v", got, deps, err, body, h)
	}
}
