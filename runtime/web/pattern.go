package web

import (
	"context"
	"net/http"
)

// serveWithContext serves r with ctx through next, then hands the ServeMux
// pattern the copy was matched with back to r. A ServeMux records the route
// on the request it gets; without this, handlers outside a middleware that
// copies the request (lift.StartHTTP's request span, AccessLog) would not
// see which route served it.
func serveWithContext(ctx context.Context, next http.Handler, w http.ResponseWriter, r *http.Request) {
	r2 := r.WithContext(ctx)
	defer func() { r.Pattern = r2.Pattern }() // unchanged unless a mux inside matched
	next.ServeHTTP(w, r2)
}
