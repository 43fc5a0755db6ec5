package testsvc

import (
	"testing"

	"github.com/liftcdk/lift/internal/localsvc"
)

// LambdaRoutes maps what a caller names in an Invoke call to the invocation
// URLs of the RIE instances serving it (see localsvc.LambdaRoutes).
type LambdaRoutes = localsvc.LambdaRoutes

// Invocation is one Invoke call the router answered.
type Invocation = localsvc.Invocation

// LambdaRouterServer is a running localsvc.LambdaRouter.
type LambdaRouterServer = localsvc.LambdaRouter

// LambdaRouter starts a router for routes on a free loopback port and stops
// it when the test ends. A route without URLs fails the test.
func LambdaRouter(t testing.TB, routes LambdaRoutes) *LambdaRouterServer {
	t.Helper()
	r, err := localsvc.NewLambdaRouter(routes, localsvc.LambdaRouterOptions{})
	if err != nil {
		t.Fatalf("testsvc: %v", err)
	}
	if err := r.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("testsvc: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}
