package lift

import (
	"context"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/liftcdk/lift/internal/contract"
)

// Start runs handler as a Lambda function with Lift's lifecycle: control
// events answered by the runtime, cold-start detection, warm-up hooks, health
// checks, panic recovery, JSON logs (also installed as slog's default) and
// EMF metrics flushed after every invocation.
//
// handler may have any signature aws-lambda-go's lambda.Start accepts.
//
// Inside Lambda (AWS_LAMBDA_RUNTIME_API set) Start never returns: it enables
// SIGTERM (lambda.WithEnableSIGTERM), and on SIGTERM runs the shutdown hooks
// within the budget, flushes metrics and exits 0.
//
// Elsewhere Start runs local mode: it serves the RIE invocation path on
// LIFT_LOCAL_ADDR (default 127.0.0.1:8080) and returns after SIGINT or
// SIGTERM, once in-flight invocations and the shutdown hooks are done.
//
// A bad option or LIFT_* variable fails the init: Start logs one JSON error
// line naming the setting, its value and the fix, and exits with status 1.
//
// With LIFT_CHECK=1 Start only validates the handler's signature, the
// options and the LIFT_* environment, prints {"lift":"check","ok":true} (or
// "ok":false and "error") as one line on stderr, and exits 0 (or 1) without
// serving. gofunction runs a built handler this way at synth.
func Start(handler any, opts ...Option) {
	h, err := NewHandler(handler, opts...)
	run(h, err, false)
}

// run is the one init path after the Handler is built, shared by Start and
// StartHTTP (isHTTP): LIFT_CHECK, the mode switch and every check added here
// apply to both.
func run(h *Handler, err error, isHTTP bool) {
	_, addrErr := localAddr(os.Getenv)
	mode, modeErr := runMode(os.Getenv, isHTTP)
	exitIfChecking(err, addrErr, modeErr)
	if err != nil {
		exitInit(err)
	}
	slog.SetDefault(h.log)
	if modeErr != nil {
		exitInit(modeErr)
	}
	switch mode {
	case contract.ModeLocal:
		startLocal(h)
		return
	case contract.ModeServer:
		startServer(h)
		return
	}
	log.SetOutput(withoutInvokeErrorEcho{log.Writer()})
	lambda.StartWithOptions(h.loopHandler(), append(h.lambdaOptions, lambda.WithEnableSIGTERM(func() {
		_ = h.Shutdown(context.Background()) // results are logged hook by hook
		os.Exit(0)
	}))...)
}

func startLocal(h *Handler) {
	timeout, err := localTimeout(os.Getenv)
	if err != nil {
		exitInit(err)
	}
	ln, ctx, stop := listenLocal()
	defer stop()
	h.log.Info("lift: local mode (AWS_LAMBDA_RUNTIME_API is unset)", "url", "http://"+ln.Addr().String()+InvocationPath)
	if err := h.ServeLocal(ctx, ln, timeout); err != nil {
		h.log.Error("lift: local mode stopped with errors", "error", err.Error())
	}
}

// listenLocal listens on LIFT_LOCAL_ADDR for local and server modes and
// returns a context that SIGINT or SIGTERM ends.
func listenLocal() (net.Listener, context.Context, context.CancelFunc) {
	addr, err := localAddr(os.Getenv)
	if err != nil {
		exitInit(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		exitInit(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return ln, ctx, stop
}

// exitInit reports an init failure as one JSON line on stderr and exits 1.
func exitInit(err error) {
	slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("lift: init failed", "error", err.Error())
	os.Exit(1)
}
