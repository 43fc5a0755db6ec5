package lift

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/internal/contract"
)

// runMode reads LIFT_MODE; unset, the presence of the Runtime API decides.
func runMode(getenv func(string) string, isHTTP bool) (string, error) {
	switch m := getenv(contract.EnvMode); m {
	case "":
		if getenv(envRuntimeAPI) == "" {
			return contract.ModeLocal, nil
		}
		return contract.ModeLambda, nil
	case contract.ModeLambda:
		if getenv(envRuntimeAPI) == "" {
			return "", fmt.Errorf("%w: %s=%s but AWS_LAMBDA_RUNTIME_API is unset, so this is not Lambda; unset %[2]s to run in local mode", ErrInvalidConfig, contract.EnvMode, m)
		}
		return m, nil
	case contract.ModeLocal:
		return m, nil
	case contract.ModeServer:
		if !isHTTP {
			return "", fmt.Errorf("%w: %s=%s serves HTTP and needs lift.StartHTTP; this handler uses lift.Start, so unset it for local mode", ErrInvalidConfig, contract.EnvMode, m)
		}
		return m, nil
	default:
		return "", fmt.Errorf("%w: %s=%q; use %q, %q or %q, or unset it", ErrInvalidConfig, contract.EnvMode, m, contract.ModeLambda, contract.ModeLocal, contract.ModeServer)
	}
}

// mountHTTP adds the user's HTTP handler to local mode's mux, beside the
// invocation path, for a Handler built by NewHTTPHandler.
func (h *Handler) mountHTTP(mux *http.ServeMux) {
	if h.web != nil {
		mux.HandleFunc("/", h.serveDirect)
	}
}

// serveDirect serves one plain HTTP request (local and server modes) with
// the lifecycle of an invocation: a request id, the cold-start flag, panic
// recovery as a 500 problem, and metrics flushed after it.
func (h *Handler) serveDirect(w http.ResponseWriter, r *http.Request) {
	cold := h.coldPending.Load() && h.coldPending.CompareAndSwap(true, false)
	id := newRequestID() // never the caller's: it names this request in logs and problems
	ctx := lambdacontext.NewContext(r.Context(), &lambdacontext.LambdaContext{AwsRequestID: id})
	if cold {
		ctx = context.WithValue(ctx, coldStartKey{}, true)
		h.coldStarts.Add(1)
	}
	rc := &RequestContext{Kind: EventDirect, RequestID: id, ColdStart: cold}
	ctx = context.WithValue(ctx, requestContextKey{}, rc)
	defer h.flush()
	w.Header().Set("X-Amzn-RequestId", id)
	r = r.WithContext(ctx)
	r.Pattern = "" // the local server's catch-all, not a route of the handler's
	h.web.serve(w, r)
}

// startServer runs server mode: a plain http.Server on LIFT_LOCAL_ADDR until
// SIGINT or SIGTERM.
func startServer(h *Handler) {
	ln, ctx, stop := listenLocal()
	defer stop()
	h.log.Info("lift: server mode", "url", "http://"+ln.Addr().String()+"/", "health", contract.HealthPath)
	if err := h.ServeHTTPServer(ctx, ln); err != nil {
		h.log.Error("lift: server mode stopped with errors", "error", err.Error())
	}
}

// ServeHTTPServer runs server mode on ln for a Handler built by
// NewHTTPHandler: it runs the warm-up hooks, serves the HTTP handler and
// health at /healthz (application/health+json; 503 when failing) until ctx
// is done, then stops accepting, drains requests in flight within the
// shutdown budget and runs the shutdown hooks.
func (h *Handler) ServeHTTPServer(ctx context.Context, ln net.Listener) error {
	if h.web == nil {
		return fmt.Errorf("%w: ServeHTTPServer needs a Handler built by lift.NewHTTPHandler", ErrInvalidConfig)
	}
	h.concurrent = true
	if h.initType == "" {
		h.initType = initOnDemand
		h.renderWarmupParts()
	}
	// A server has no warm-up events: it warms once, as its cold start,
	// before accepting requests (a failed hook is logged by warmup).
	warmCtx, cancelWarm := context.WithTimeout(ctx, defaultLocalTimeout)
	_, _ = h.warmup(warmCtx, controlEvent{kind: controlWarmup}, h.initType == initOnDemand, true) // the process itself asks
	cancelWarm()
	h.coldPending.Store(false)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+contract.HealthPath, h.serveHealth)
	mux.HandleFunc("/", h.serveDirect)
	return h.serveUntil(ctx, mux, ln, "server")
}

// serveUntil serves handler on ln until ctx is done, then stops accepting,
// waits up to the shutdown budget for requests in flight and runs the
// shutdown hooks: the end of local and server modes alike.
func (h *Handler) serveUntil(ctx context.Context, handler http.Handler, ln net.Listener, name string) error {
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		_ = h.Shutdown(context.Background())
		return fmt.Errorf("lift: %s on %s: %w", name, ln.Addr(), err)
	case <-ctx.Done():
	}
	drain, cancel := context.WithTimeout(context.Background(), h.shutdownBudget)
	defer cancel()
	if err := srv.Shutdown(drain); err != nil {
		h.log.Warn("lift: "+name+" did not drain in time", "error", err.Error())
		_ = srv.Close()
	}
	return h.Shutdown(context.Background())
}

func (h *Handler) serveHealth(w http.ResponseWriter, r *http.Request) {
	defer h.flush()
	body, err := h.health(r.Context())
	if err != nil {
		writeInternalProblem(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/health+json")
	w.Header().Set("Cache-Control", "no-store")
	var report struct{ Status string }
	if json.Unmarshal(body, &report) == nil && report.Status == contract.StatusFail {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_, _ = w.Write(body)
}
