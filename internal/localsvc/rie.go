package localsvc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// RIEOptions describes one function to run under the Lambda Runtime
// Interface Emulator.
type RIEOptions struct {
	// Bootstrap is the handler executable (see BuildHandler). Required.
	Bootstrap string
	// Env is the function's environment, as its configuration would set it.
	// It is added to (and overrides) the variables Lambda itself sets.
	Env map[string]string
	// FunctionName is AWS_LAMBDA_FUNCTION_NAME. Default "function".
	FunctionName string
	// Timeout is the function timeout (whole seconds). Default 30 s.
	Timeout time.Duration
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE. Default 128.
	MemoryMB int
	// LogFile, when set, receives the emulator's and the function's output
	// (appended) instead of a buffer: the emulator may then outlive the
	// process that started it, as under lift local up.
	LogFile string
}

// RIE is aws-lambda-rie serving one function on loopback. The runtime
// process starts lazily on the first invocation, as an on-demand init does.
type RIE struct {
	URL string // invocation URL: POST an event here

	// RuntimeAPI is the Lambda Runtime API address the handler talks to.
	RuntimeAPI string

	proc   *process
	client *http.Client
}

// invocationPath is the one function RIE serves.
const invocationPath = "/2015-03-31/functions/function/invocations"

const rieReadyTimeout = 15 * time.Second

// StartRIE starts aws-lambda-rie (found with LookTool under root) for
// o.Bootstrap with both of its addresses on free loopback ports and waits
// until it accepts connections. Close kills it with the runtime it started.
func StartRIE(root string, o RIEOptions) (*RIE, error) {
	bin, err := LookTool(root, "aws-lambda-rie")
	if err != nil {
		return nil, err
	}
	bootstrap, err := executable("RIEOptions.Bootstrap", o.Bootstrap)
	if err != nil {
		return nil, err
	}
	env := rieEnv(o, filepath.Dir(bootstrap))
	var emu, api string
	p, err := startReady("aws-lambda-rie", rieReadyTimeout, func() (*process, func() error, error) {
		ports, err := freePorts(2)
		if err != nil {
			return nil, nil, err
		}
		emu, api = "127.0.0.1:"+strconv.Itoa(ports[0]), "127.0.0.1:"+strconv.Itoa(ports[1])
		args := []string{"--runtime-interface-emulator-address", emu, "--runtime-api-address", api, bootstrap}
		p, err := startProcess("aws-lambda-rie", bin, args, env, filepath.Dir(bootstrap), o.LogFile)
		return p, dialProbe(emu), err
	})
	if err != nil {
		return nil, err
	}
	return &RIE{
		URL:        "http://" + emu + invocationPath,
		RuntimeAPI: api,
		proc:       p,
		client:     &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	}, nil
}

// rieEnv is what Lambda sets for a provided.al2023 function, then o.Env. RIE
// forwards its whole environment to the runtime, so nothing of the host's
// (credentials, profiles) leaks in.
func rieEnv(o RIEOptions, taskRoot string) []string {
	name := o.FunctionName
	if name == "" {
		name = "function"
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	mem := o.MemoryMB
	if mem <= 0 {
		mem = 128
	}
	vars := map[string]string{
		"PATH":                            "/usr/local/bin:/usr/bin:/bin",
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"LAMBDA_TASK_ROOT":                taskRoot,
		"_HANDLER":                        "bootstrap",
		"AWS_REGION":                      MotoRegion,
		"AWS_DEFAULT_REGION":              MotoRegion,
		"AWS_LAMBDA_FUNCTION_NAME":        name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(mem),
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.Itoa(max(1, int(timeout.Round(time.Second)/time.Second))),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "local",
		// Lambda sets this; the emulator does not. Cold-start rules key off it.
		"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
	}
	maps.Copy(vars, o.Env)
	env := make([]string, 0, len(vars))
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, k+"="+vars[k])
	}
	return env
}

// Invoke sends payload as one synchronous invocation and returns the
// function's response body and the round-trip latency. A function error is a
// normal 200 response with an errorMessage body, as with Lambda; only an
// emulator failure (non-200) is an error.
func (p *RIE) Invoke(ctx context.Context, payload []byte) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, 0, fmt.Errorf("invoke %s: %w", p.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, time.Since(start), fmt.Errorf("invoke %s: %w", p.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	latency := time.Since(start)
	if err != nil {
		return nil, latency, fmt.Errorf("invoke %s: read response: %w", p.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, latency, fmt.Errorf("invoke %s: emulator answered %s: %s", p.URL, resp.Status, body)
	}
	return body, latency, nil
}

// terminateTimeout covers RIE's own grace (SIGTERM to the runtime, SIGKILL
// ~600 ms later) with room to spare on a loaded machine.
const terminateTimeout = 10 * time.Second

// Terminate sends SIGTERM to the emulator, which delivers SIGTERM to the
// runtime (when an extension is registered, as lambda.WithEnableSIGTERM does)
// and then SIGKILL, as Lambda does at shutdown; it waits for the emulator to
// exit, and kills it if it is still running after terminateTimeout.
func (p *RIE) Terminate() error {
	if err := p.proc.signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM to aws-lambda-rie: %w", err)
	}
	if !p.proc.waitExit(terminateTimeout) {
		p.proc.kill()
		return withLog("aws-lambda-rie", fmt.Errorf("still running %s after SIGTERM", terminateTimeout), p.Logs())
	}
	return nil
}

// Close kills the emulator and the runtime it started. Safe to repeat.
func (p *RIE) Close() { p.proc.kill() }

// Pid is the emulator's process id; the runtime it starts is in its group.
func (p *RIE) Pid() int { return p.proc.pid() }

// Exited reports whether the emulator process has ended.
func (p *RIE) Exited() bool { return p.proc.exited() }

// Logs returns the emulator's and the function's combined output so far
// (the function's stdout and stderr pass through the emulator).
func (p *RIE) Logs() string { return p.proc.output() }
