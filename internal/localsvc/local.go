package localsvc

import (
	"maps"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// Local is a handler binary in Lift's local mode: started without a Lambda
// Runtime API, it serves its HTTP handler (lift.StartHTTP) and the
// invocation path on a loopback address, as `curl` reaches it in the docs.
type Local struct {
	// URL is "http://127.0.0.1:PORT", the root of the handler's routes.
	URL  string
	proc *process
}

// localGrace is how long Close waits for the shutdown hooks after SIGTERM.
const localGrace = 3 * time.Second

// StartLocal runs bootstrap in local mode with the environment a function of
// o would have (RIEOptions: Lambda's variables, then o.Env) and
// LIFT_LOCAL_ADDR on a free loopback port, and waits until it accepts
// connections. Close stops it with SIGTERM, as a developer's Ctrl-C does.
func StartLocal(o RIEOptions) (*Local, error) {
	bootstrap, err := executable("RIEOptions.Bootstrap", o.Bootstrap)
	if err != nil {
		return nil, err
	}
	var addr string
	p, err := startReady("local mode", rieReadyTimeout, func() (*process, func() error, error) {
		port, err := freePort()
		if err != nil {
			return nil, nil, err
		}
		addr = "127.0.0.1:" + strconv.Itoa(port)
		opts := o
		opts.Env = maps.Clone(o.Env)
		if opts.Env == nil {
			opts.Env = map[string]string{}
		}
		opts.Env[contract.EnvLocalAddr] = addr
		p, err := startProcess("local mode", bootstrap, nil, rieEnv(opts, filepath.Dir(bootstrap)), filepath.Dir(bootstrap), opts.LogFile)
		return p, dialProbe(addr), err
	})
	if err != nil {
		return nil, err
	}
	return &Local{URL: "http://" + addr, proc: p}, nil
}

// Logs is everything the process wrote so far.
func (l *Local) Logs() string { return l.proc.logs.String() }

// Close sends SIGTERM, waits for the shutdown hooks, then kills what is left.
// It reports whether the process exited by itself in time.
func (l *Local) Close() bool {
	_ = l.proc.signal(syscall.SIGTERM)
	exited := l.proc.waitExit(localGrace)
	l.proc.kill()
	return exited
}
