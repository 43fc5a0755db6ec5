package web

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/internal/httpbuf"
	"github.com/liftcdk/lift/runtime/internal/httprec"
	"github.com/liftcdk/lift/runtime/lift"
)

// CacheOption configures ResponseCache.
type CacheOption func(*responseCache)

// WithDefaultTTL caches answers that declare no max-age for d. Without it,
// only answers with Cache-Control max-age (or s-maxage) are stored.
func WithDefaultTTL(d time.Duration) CacheOption {
	return func(c *responseCache) { c.defaultTTL = max(d, 0) }
}

// WithVary adds request headers to every cache key (for example
// "Accept-Language"). An answer whose Vary names a header not listed here is
// not stored, so a variant is never served to the wrong caller.
func WithVary(headers ...string) CacheOption {
	return func(c *responseCache) {
		for _, h := range headers {
			c.vary = append(c.vary, http.CanonicalHeaderKey(h))
		}
	}
}

// CacheTagHeader is the response header in which a handler names tags: on
// a GET answer, tags it depends on; on an unsafe method's answer, tags to
// invalidate. Comma-separated; the middleware removes it from the answer.
const CacheTagHeader = "Cache-Tag"

type responseCache struct {
	c          cache.Cache
	defaultTTL time.Duration
	vary       []string
	now        func() time.Time
	inflight   sync.Map // key -> struct{}: a stale entry being revalidated
}

// ResponseCache caches GET answers in c (the memory tier, or the tiers
// cache.FromEnv builds) and serves them without running the handler:
//
//   - Key: method, path, raw query, the WithVary headers, and the tenant
//     (web.Tenant) through c's tenant scope when c is a *cache.Scope, or
//     in the key otherwise.
//   - Stored: 200 answers without Set-Cookie, private or no-store, for their
//     s-maxage or max-age (or WithDefaultTTL). A request with no-store is
//     neither served nor stored; one with no-cache is revalidated.
//   - An ETag is added when the handler sets none; If-None-Match gets 304.
//   - stale-while-revalidate=N: a stale entry is served at once while one
//     request of this process refreshes it, synchronously, in its own call
//     (no goroutine outlives a request); a failing refresh (5xx) serves the
//     stale entry.
//   - Invalidation: an unsafe method (POST, PUT, PATCH, DELETE) answered
//     below 400 invalidates every entry under its path (PUT /items/42:
//     /items/42 and below; POST /items: all of /items) and every tag its
//     answer names in Cache-Tag; GET answers depend on their Cache-Tag tags.
//     Invalidate does it from elsewhere.
//
// Answers carry X-Cache: hit, stale or miss, and Age on hits.
func ResponseCache(c cache.Cache, opts ...CacheOption) func(http.Handler) http.Handler {
	return newResponseCache(c, opts...).middleware
}

func newResponseCache(c cache.Cache, opts ...CacheOption) *responseCache {
	rc := &responseCache{c: c, now: time.Now}
	for _, o := range opts {
		o(rc)
	}
	return rc
}

func (rc *responseCache) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, tenantKey := rc.cacheFor(r.Context())
		switch r.Method {
		case http.MethodGet:
		case http.MethodHead, http.MethodOptions, http.MethodTrace:
			next.ServeHTTP(w, r)
			return
		default:
			rc.unsafe(c, tenantKey, w, r, next)
			return
		}
		reqCC := r.Header.Get("Cache-Control")
		if hasDirective(reqCC, "no-store") {
			next.ServeHTTP(w, r)
			return
		}
		key := rc.key(tenantKey, r)
		if !hasDirective(reqCC, "no-cache") && rc.serveCached(c, tenantKey, key, w, r, next) {
			return
		}
		rc.fill(c, tenantKey, key, w, r, next, nil)
	})
}

// cacheFor returns the cache for the request's tenant, and the tenant's key
// prefix when c cannot scope it.
func (rc *responseCache) cacheFor(ctx context.Context) (cache.Cache, string) {
	id, ok := TenantFrom(ctx)
	if !ok {
		return rc.c, ""
	}
	if s, isScope := rc.c.(*cache.Scope); isScope && s.TenantID() == "" {
		if ts, err := s.Tenant(id); err == nil {
			return ts, ""
		}
	}
	return rc.c, strconv.Itoa(len(id)) + ":" + id + "/"
}

func (rc *responseCache) key(tenantKey string, r *http.Request) string {
	var b strings.Builder
	b.Grow(len("http/ ?") + len(tenantKey) + len(r.Method) + len(r.URL.Path) + len(r.URL.RawQuery) + 32*len(rc.vary))
	b.WriteString("http/")
	b.WriteString(tenantKey)
	b.WriteString(r.Method)
	b.WriteByte(' ')
	b.WriteString(r.URL.EscapedPath())
	b.WriteByte('?')
	b.WriteString(r.URL.RawQuery)
	for _, h := range rc.vary {
		b.WriteByte('\n')
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(strings.Join(r.Header.Values(h), ","))
	}
	return b.String()
}

// serveCached answers from a fresh (or, while another request refreshes it,
// stale) entry; false means the caller must run the handler.
func (rc *responseCache) serveCached(c cache.Cache, tenantKey, key string, w http.ResponseWriter, r *http.Request, next http.Handler) bool {
	raw, err := c.Get(r.Context(), key)
	if err != nil {
		return false
	}
	e, rest, err := decodeHead(raw)
	if err != nil || !rest.eachDep(func(genKey string, gen uint64) bool { return currentGen(r.Context(), c, genKey, gen) }) {
		return false
	}
	age := rc.now().Sub(e.storedAt)
	state := "hit"
	switch {
	case age <= e.maxAge:
	case age <= e.maxAge+e.swr:
		if _, busy := rc.inflight.LoadOrStore(key, struct{}{}); !busy {
			// This request refreshes; a failed refresh falls back to the stale entry.
			defer rc.inflight.Delete(key)
			rc.fill(c, tenantKey, key, w, r, next, func() bool { return rc.replay(w, r, e, rest, age, "stale") })
			return true
		}
		state = "stale"
	default:
		return false
	}
	return rc.replay(w, r, e, rest, age, state)
}

func (rc *responseCache) replay(w http.ResponseWriter, r *http.Request, e entry, rest decoder, age time.Duration, state string) bool {
	h := w.Header()
	body, err := rest.writeHeaders(h, "Age", strconv.FormatInt(int64(age/time.Second), 10), "X-Cache", state)
	if err != nil {
		return false
	}
	if etag := h.Get("Etag"); etag != "" && matchesETag(r.Header.Get("If-None-Match"), etag) {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
	return true
}

// fill runs the handler, stores a cacheable answer and sends it. When
// fallback is set (a stale refresh) and the handler fails with a 5xx, the
// fallback answers instead.
func (rc *responseCache) fill(c cache.Cache, tenantKey, key string, w http.ResponseWriter, r *http.Request, next http.Handler, fallback func() bool) {
	buf := httpbuf.New()
	next.ServeHTTP(buf, r)
	if fallback != nil && buf.Status() >= 500 && fallback() {
		return
	}
	tags := splitTags(buf.Header().Values(CacheTagHeader))
	delete(buf.Header(), CacheTagHeader)
	if ttl, swr, ok := rc.cacheable(r, buf); ok {
		if buf.Header().Get("Etag") == "" {
			buf.Header().Set("Etag", etagOf(buf.Body()))
		}
		e := entry{storedAt: rc.now(), maxAge: ttl, swr: swr, status: buf.Status(), header: buf.Header(), body: buf.Body()}
		e.deps = rc.deps(r.Context(), c, tenantKey, r.URL.Path, tags)
		if err := c.Set(r.Context(), key, e.encode(), ttl+swr); err != nil {
			lift.Logger(r.Context()).Warn("web: response not cached", "error", err.Error())
		}
	}
	buf.Header().Set("X-Cache", "miss")
	if etag := buf.Header().Get("Etag"); etag != "" && buf.Status() == http.StatusOK && matchesETag(r.Header.Get("If-None-Match"), etag) {
		delete(buf.Header(), "Content-Length")
		maps.Copy(w.Header(), buf.Header())
		w.WriteHeader(http.StatusNotModified)
		return
	}
	buf.Replay(w)
}

func (rc *responseCache) cacheable(r *http.Request, buf *httpbuf.Writer) (ttl, swr time.Duration, ok bool) {
	h := buf.Header()
	if buf.Status() != http.StatusOK || len(h.Values("Set-Cookie")) > 0 {
		return 0, 0, false
	}
	cc := h.Get("Cache-Control")
	if hasDirective(cc, "no-store") || hasDirective(cc, "private") || hasDirective(cc, "no-cache") {
		return 0, 0, false
	}
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			f = http.CanonicalHeaderKey(strings.TrimSpace(f))
			if f == "*" || f != "" && !contains(rc.vary, f) {
				return 0, 0, false
			}
		}
	}
	ttl = rc.defaultTTL
	if v, found := directiveSeconds(cc, "s-maxage"); found {
		ttl = v
	} else if v, found := directiveSeconds(cc, "max-age"); found {
		ttl = v
	}
	swr, _ = directiveSeconds(cc, "stale-while-revalidate")
	return ttl, swr, ttl > 0
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// unsafe runs a state-changing request and, when it succeeded, invalidates
// its path and the tags its answer names.
func (rc *responseCache) unsafe(c cache.Cache, tenantKey string, w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := &tagStripper{Recorder: httprec.Recorder{ResponseWriter: w}}
	next.ServeHTTP(rec, r)
	if !rec.headerDone {
		rec.takeTags()
	}
	if rec.StatusOrOK() < 400 {
		names := append([]string{pathDep(r.URL.Path)}, tagDeps(rec.tags)...)
		if err := bump(r.Context(), c, tenantKey, names, rc.now()); err != nil {
			lift.Logger(r.Context()).Error("web: cache invalidation failed; cached answers may be stale until they expire", "path", r.URL.Path, "error", err.Error())
		}
	}
}

// tagStripper takes Cache-Tag out of an unsafe method's answer as its
// header is sent.
type tagStripper struct {
	httprec.Recorder
	tags       []string
	headerDone bool
}

func (t *tagStripper) takeTags() {
	t.headerDone = true
	h := t.ResponseWriter.Header()
	t.tags = splitTags(h.Values(CacheTagHeader))
	delete(h, CacheTagHeader)
}

func (t *tagStripper) WriteHeader(status int) {
	if !t.headerDone {
		t.takeTags()
	}
	t.Recorder.WriteHeader(status)
}

func (t *tagStripper) Write(p []byte) (int, error) {
	if !t.headerDone {
		t.takeTags()
	}
	return t.Recorder.Write(p)
}

// Invalidate drops every cached answer under each path prefix ("/items")
// and every answer that named a tag ("catalog") in Cache-Tag, in c's
// namespace (a tenant's, for a tenant's scope). Names starting with "/" are
// paths, others tags.
func Invalidate(ctx context.Context, c cache.Cache, names ...string) error {
	deps := make([]string, 0, len(names))
	for _, n := range names {
		if strings.HasPrefix(n, "/") {
			deps = append(deps, pathDep(n))
		} else {
			deps = append(deps, tagDeps([]string{n})...)
		}
	}
	return bump(ctx, c, "", deps, time.Now())
}

// Generations: every GET entry records the generation of each path prefix
// of its path and of each tag; invalidating one bumps its generation, so
// every entry recorded under the old one no longer matches. A generation
// that is missing (never set, or evicted) matches nothing, so eviction can
// only cause a miss, never a stale answer.
const genTTL = 30 * 24 * time.Hour

func genKey(tenantKey, name string) string { return "http-gen/" + tenantKey + name }

func pathDep(p string) string { return "p" + strings.TrimSuffix(p, "/") }

func tagDeps(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = "t" + t
	}
	return out
}

// pathDeps lists the prefixes of p: /items/42 gives p/items and p/items/42.
func pathDeps(p string) []string {
	var out []string
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			if i > 1 {
				out = append(out, "p"+p[:i])
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "p")
	}
	return out
}

func (rc *responseCache) deps(ctx context.Context, c cache.Cache, tenantKey, path string, tags []string) []dep {
	names := append(pathDeps(path), tagDeps(tags)...)
	out := make([]dep, 0, len(names))
	for _, n := range names {
		g, err := readGen(ctx, c, tenantKey, n)
		if errors.Is(err, cache.ErrNotFound) {
			g = uint64(rc.now().UnixNano())
			err = c.Set(ctx, genKey(tenantKey, n), binary.BigEndian.AppendUint64(nil, g), genTTL)
		}
		if err != nil {
			return []dep{{genKey: "http-gen/unavailable", gen: 0}} // never current: the entry is not served
		}
		out = append(out, dep{genKey: genKey(tenantKey, n), gen: g})
	}
	return out
}

func currentGen(ctx context.Context, c cache.Cache, genKey string, gen uint64) bool {
	b, err := c.Get(ctx, genKey)
	return err == nil && len(b) == 8 && binary.BigEndian.Uint64(b) == gen
}

func readGen(ctx context.Context, c cache.Cache, tenantKey, name string) (uint64, error) {
	b, err := c.Get(ctx, genKey(tenantKey, name))
	if err != nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, errBadEntry
	}
	return binary.BigEndian.Uint64(b), nil
}

func bump(ctx context.Context, c cache.Cache, tenantKey string, names []string, now time.Time) error {
	var errs []error
	for _, n := range names {
		g := uint64(now.UnixNano())
		if old, err := readGen(ctx, c, tenantKey, n); err == nil && old >= g {
			g = old + 1
		}
		errs = append(errs, c.Set(ctx, genKey(tenantKey, n), binary.BigEndian.AppendUint64(nil, g), genTTL))
	}
	return errors.Join(errs...)
}

func splitTags(values []string) []string {
	var out []string
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

func etagOf(body []byte) string {
	h := fnv.New64a()
	_, _ = h.Write(body)
	return `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// matchesETag applies If-None-Match's weak comparison.
func matchesETag(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	if strings.TrimSpace(ifNoneMatch) == "*" {
		return true
	}
	etag = strings.TrimPrefix(etag, "W/")
	for c := range strings.SplitSeq(ifNoneMatch, ",") {
		if strings.TrimPrefix(strings.TrimSpace(c), "W/") == etag {
			return true
		}
	}
	return false
}

func hasDirective(cc, name string) bool {
	for d := range strings.SplitSeq(cc, ",") {
		d = strings.TrimSpace(d)
		if k, _, _ := strings.Cut(d, "="); strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func directiveSeconds(cc, name string) (time.Duration, bool) {
	for d := range strings.SplitSeq(cc, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(d), "=")
		if ok && strings.EqualFold(k, name) {
			n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
			if err != nil || n < 0 {
				return 0, false
			}
			return time.Duration(n) * time.Second, true
		}
	}
	return 0, false
}
