package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
)

// TenantSource finds the tenant id of a request. ok is false when the
// request carries none; unauthenticated reports that a missing id means the
// caller is not authenticated (401) rather than malformed (400).
type TenantSource struct {
	find            func(*http.Request) (id string, ok bool)
	unauthenticated bool
	what            string
}

// TenantHeader reads the tenant id from a request header, such as
// "X-Tenant-Id". Only trust it behind an authorizer that checks it.
func TenantHeader(name string) TenantSource {
	return TenantSource{
		find: func(r *http.Request) (string, bool) { v := r.Header.Get(name); return v, v != "" },
		what: "the " + name + " header",
	}
}

// TenantClaim reads the tenant id from a claim of the request's authorizer
// (an HTTP API JWT authorizer, a Cognito or Lambda authorizer; see
// lift.RequestContext.Claim). A missing claim is a 401.
func TenantClaim(name string) TenantSource {
	return TenantSource{
		find: func(r *http.Request) (string, bool) {
			rc, ok := lift.RequestContextFrom(r.Context())
			if !ok {
				return "", false
			}
			return rc.Claim(name)
		},
		unauthenticated: true,
		what:            "the authorizer's " + name + " claim",
	}
}

// TenantPathValue reads the tenant id from a ServeMux wildcard, such as
// {tenant} in "GET /t/{tenant}/items". Path values exist only once the mux
// has matched, so wrap the route's handler, not the mux.
func TenantPathValue(name string) TenantSource {
	return TenantSource{
		find: func(r *http.Request) (string, bool) { v := r.PathValue(name); return v, v != "" },
		what: "the {" + name + "} path segment",
	}
}

type tenantKey struct{}

// TenantOption configures Tenant.
type TenantOption func(*tenantConfig)

type tenantConfig struct {
	optional bool
	metrics  *metrics.Writer
}

// TenantOptional lets requests without a tenant through (with none on the
// context) instead of refusing them.
func TenantOptional() TenantOption { return func(c *tenantConfig) { c.optional = true } }

// WithTenantMetric counts each request in a "TenantRequests" metric with
// the Service and Tenant dimensions on w. Mind the cost: every tenant is a
// CloudWatch metric of its own.
func WithTenantMetric(w *metrics.Writer) TenantOption {
	return func(c *tenantConfig) { c.metrics = w }
}

// MetricTenantRequests is the metric WithTenantMetric counts.
const MetricTenantRequests = "TenantRequests"

// Tenant puts the request's tenant id on its context (TenantFrom) and on
// every log line as "tenant". A request without one is refused with a 401
// problem (TenantClaim) or 400 (other sources), unless TenantOptional; an id
// that is not 1 to 128 printable characters without spaces is a 400.
func Tenant(src TenantSource, opts ...TenantOption) func(http.Handler) http.Handler {
	var c tenantConfig
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, ok := src.find(r)
			switch {
			case !ok && c.optional:
				next.ServeHTTP(w, r)
				return
			case !ok && src.unauthenticated:
				lift.WriteProblem(w, r, lift.NewProblem(http.StatusUnauthorized, "the request carries no tenant: "+src.what+" is missing"))
				return
			case !ok:
				lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "the request carries no tenant: "+src.what+" is missing"))
				return
			case !validToken(id, 128):
				lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "the tenant id in "+src.what+" must be 1 to 128 printable characters without spaces"))
				return
			}
			if c.metrics != nil {
				c.metrics.Counter(MetricTenantRequests, metrics.ServiceDimension(), metrics.Dimension{Name: "Tenant", Value: id}).Add(1)
			}
			ctx := context.WithValue(r.Context(), tenantKey{}, id)
			ctx = lift.WithLogAttrs(ctx, slog.String("tenant", id))
			serveWithContext(ctx, next, w, r)
		})
	}
}

// TenantFrom returns the tenant id Tenant put on ctx.
func TenantFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(tenantKey{}).(string)
	return id, ok
}

// TenantScope returns the tenant's namespace of a service's cache scope, so
// one tenant's keys never reach another's. Without a tenant on ctx it is an
// error, never the service-wide scope.
func TenantScope(ctx context.Context, s *cache.Scope) (*cache.Scope, error) {
	id, ok := TenantFrom(ctx)
	if !ok {
		return nil, errors.New("web: no tenant on the context: wrap the handler with web.Tenant")
	}
	return s.Tenant(id)
}
