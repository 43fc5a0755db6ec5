package main

import (
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/web"
)

// TenantHeader names the tenant of /items requests (web.Tenant): each
// tenant's cached answers and posted items live in its own scope of the
// cache tiers. Behind the deployed API only IAM-signed callers reach the
// function; a real service takes the tenant from its authorizer
// (web.TenantClaim) rather than trusting a header.
const TenantHeader = "X-Tenant-Id"

// itemSchema is what POST /items accepts (JSON Schema 2020-12, compiled once).
//
//go:embed item.schema.json
var itemSchemaJSON []byte

var itemSchema = web.MustCompileSchema("item.schema.json", itemSchemaJSON)

// maxItemBytes bounds a POST /items body (413 above it).
const maxItemBytes = 4 << 10

// listTTL is how long a tenant's GET /items answer is served from the cache tiers.
const listTTL = time.Minute

// api is the quickstart's net/http API, routed by a ServeMux:
//
//	GET  /greeting?name=Ada  {"message":"Hello, Ada!","coldStart":true}
//	GET  /items              {"items":[...]}: the catalog, a cached answer per tenant
//	GET  /items/{id}         {"id":...,"name":...,"priceCents":...,"cached":true}
//	POST /items              a JSON Schema-validated item, kept in the tenant's scope
//
// /items routes need the X-Tenant-Id header. "cached" says the item was
// served without running the loader in this request: from the memory tier,
// from the L2 tier, or by another request's load.
type api struct {
	items  *cachedStore
	served atomic.Int64
}

func newAPI(items *cachedStore) *api { return &api{items: items} }

// Served is how many requests the API answered in this process.
func (a *api) Served() int64 { return a.served.Load() }

// Routes is the API's handler: request ids and an access log line for every
// request, the routes above, and problem+json answers (RFC 9457) for the rest.
func (a *api) Routes() http.Handler {
	tenant := web.Tenant(web.TenantHeader(TenantHeader))
	// GET /items answers are kept per tenant; POST /items invalidates them.
	cached := web.ResponseCache(a.items.cache, web.WithDefaultTTL(listTTL))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greeting", a.greeting)
	mux.Handle("GET /items", tenant(cached(http.HandlerFunc(a.list))))
	mux.Handle("GET /items/{id}", tenant(http.HandlerFunc(a.get)))
	mux.Handle("POST /items", tenant(cached(web.ValidateRequest(itemSchema, maxItemBytes)(http.HandlerFunc(a.post)))))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			lift.WriteProblem(w, r, lift.NewProblem(http.StatusMethodNotAllowed, r.URL.Path+" answers "+strings.Join(allow, ", ")))
			return
		}
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusNotFound, "no route "+r.Method+" "+r.URL.Path))
	})
	return web.RequestID(web.AccessLog(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.served.Add(1)
		mux.ServeHTTP(w, r)
	})))
}

func (a *api) greeting(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "world"
	}
	if len(name) > 64 {
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "name is longer than 64 characters"))
		return
	}
	writeJSON(w, http.StatusOK, greeting{Message: "Hello, " + name + "!", ColdStart: lift.ColdStart(r.Context())})
}

func (a *api) list(w http.ResponseWriter, r *http.Request) {
	items, err := a.items.List(r.Context())
	if err != nil {
		lift.Logger(r.Context()).Error("list items", "error", err)
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusInternalServerError, "could not list items"))
		return
	}
	writeJSON(w, http.StatusOK, itemList{Items: items})
}

func (a *api) get(w http.ResponseWriter, r *http.Request) {
	scope, ok := a.tenantScope(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	ctx, loaded := withLoadTracking(r.Context())
	it, err := a.items.Get(ctx, scope, id)
	switch {
	case errors.Is(err, cache.ErrNotFound): // ErrNotFound, or the cache's memory of it
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusNotFound, "no item "+id))
		return
	case err != nil:
		lift.Logger(ctx).Error("get item", "id", id, "error", err)
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusInternalServerError, "could not read item"))
		return
	}
	writeJSON(w, http.StatusOK, itemReply{Item: it, Cached: !loaded.Load()})
}

func (a *api) post(w http.ResponseWriter, r *http.Request) {
	scope, ok := a.tenantScope(w, r)
	if !ok {
		return
	}
	var it Item // the body matched itemSchema (web.ValidateRequest)
	if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "the body is not an item"))
		return
	}
	if err := a.items.Put(r.Context(), scope, it); err != nil {
		lift.Logger(r.Context()).Error("put item", "id", it.ID, "error", err)
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusInternalServerError, "could not store item"))
		return
	}
	w.Header().Set("Location", "/items/"+it.ID)
	writeJSON(w, http.StatusCreated, it)
}

// allowedMethods lists the methods of the routes that match r's path: the
// catch-all "/" route otherwise hides ServeMux's own 405.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// tenantScope is the request's tenant's scope of the cache tiers (web.Tenant ran).
func (a *api) tenantScope(w http.ResponseWriter, r *http.Request) (*cache.Scope, bool) {
	scope, err := web.TenantScope(r.Context(), a.items.cache)
	if err != nil {
		lift.Logger(r.Context()).Error("tenant scope", "error", err)
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusInternalServerError, "could not scope the request to its tenant"))
		return nil, false
	}
	return scope, true
}

type greeting struct {
	Message   string `json:"message"`
	ColdStart bool   `json:"coldStart"`
}

type itemReply struct {
	Item
	Cached bool `json:"cached"`
}

type itemList struct {
	Items []Item `json:"items"`
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil { // the API's own types always marshal
		lift.WriteProblem(w, nil, lift.NewProblem(http.StatusInternalServerError, "could not encode the answer"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client went away: nothing to tell it
}
