package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
)

// TenantHeader names the tenant of /items requests. Each tenant's cached
// reads and posted items live under its own cache scope (cache.Scope.Tenant).
const TenantHeader = "X-Tenant-Id"

// api is the quickstart's net/http API, routed by a ServeMux:
//
//	GET  /greeting?name=Ada  {"message":"Hello, Ada!","coldStart":true}
//	GET  /items              {"items":[...]}                  (the shared catalog)
//	GET  /items/{id}         {"id":...,"name":...,"priceCents":...,"cached":true}
//	POST /items              a validated item, kept in the tenant's cache scope
//
// /items/{id} and POST /items need the X-Tenant-Id header. "cached" says the
// item was served without running the loader in this request: from the
// memory tier, from the L2 tier, or by another request's load.
type api struct {
	items  *cachedStore
	served atomic.Int64
}

func newAPI(items *cachedStore) *api { return &api{items: items} }

// Served is how many requests the API answered in this process.
func (a *api) Served() int64 { return a.served.Load() }

// Routes is the API's handler: the routes above, and problem+json answers
// (RFC 9457) for everything else.
func (a *api) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greeting", a.greeting)
	mux.HandleFunc("GET /items", a.list)
	mux.HandleFunc("GET /items/{id}", a.get)
	mux.HandleFunc("POST /items", a.post)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			lift.WriteProblem(w, r, lift.NewProblem(http.StatusMethodNotAllowed, r.URL.Path+" answers "+strings.Join(allow, ", ")))
			return
		}
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusNotFound, "no route "+r.Method+" "+r.URL.Path))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.served.Add(1)
		mux.ServeHTTP(w, r)
	})
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
	scope, ok := a.tenant(w, r)
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
	scope, ok := a.tenant(w, r)
	if !ok {
		return
	}
	it, violations := decodeItem(r)
	if len(violations) > 0 {
		p := lift.NewProblem(http.StatusBadRequest, "the item is not valid")
		p.Errors = violations
		lift.WriteProblem(w, r, p)
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

// tenant returns the request's tenant scope, or answers 400.
func (a *api) tenant(w http.ResponseWriter, r *http.Request) (*cache.Scope, bool) {
	id := r.Header.Get(TenantHeader)
	if id == "" {
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "the "+TenantHeader+" header is required"))
		return nil, false
	}
	scope, err := a.items.cache.Tenant(id)
	if err != nil || !tenantID.MatchString(id) {
		lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "the "+TenantHeader+" header is not a valid tenant id"))
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

// tenantID is what a tenant id may be: it becomes part of cache keys and logs.
var tenantID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
