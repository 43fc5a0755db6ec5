// Package web is net/http middleware for handlers run by lift.StartHTTP (or
// any http.Handler): request ids and access logs, JSON Schema validation,
// tenants, and response caching over the cache tiers. Each middleware is a
// plain func(http.Handler) http.Handler, usable alone; errors are answered as
// RFC 9457 problems (lift.Problem).
//
// A typical chain, outermost first:
//
//	h := web.RequestID(web.AccessLog(mux))
//
// with validation, tenants and caching on the routes that need them:
//
//	mux.Handle("GET /t/{tenant}/items/{id}", web.Tenant(web.TenantPathValue("tenant"))(cached(getItem)))
package web
