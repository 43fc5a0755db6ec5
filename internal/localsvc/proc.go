package localsvc

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxLogBytes bounds what a process's log keeps (the newest bytes win).
const maxLogBytes = 4 << 20

// logBuffer collects a process's combined output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - maxLogBytes; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a child started in its own process group, so that it and
// everything it starts (RIE's runtime, say) can be killed together.
type process struct {
	name    string
	cmd     *exec.Cmd
	logs    *logBuffer
	logFile string        // when set, the output goes here instead of logs
	done    chan struct{} // closed when the process has exited
	err     error         // exit error, valid after done
}

// startProcess starts bin. Its output goes to logFile (appended) when that
// is set: a file, not a pipe, so the process can outlive this one (lift
// local up); otherwise to a buffer Logs reads.
func startProcess(name, bin string, args, env []string, dir, logFile string) (*process, error) {
	p := &process{name: name, logs: &logBuffer{}, logFile: logFile, done: make(chan struct{})}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdout = p.logs
	cmd.Stderr = p.logs
	if logFile != "" {
		f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("start %s: log file: %w", name, err)
		}
		defer f.Close() // the child holds its own descriptor
		cmd.Stdout, cmd.Stderr = f, f
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Bound the wait for output copying: a grandchild that outlives the
	// group could otherwise hold the pipe open forever.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	p.cmd = cmd
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// output returns what the process wrote so far (the newest maxLogBytes).
func (p *process) output() string {
	if p.logFile == "" {
		return p.logs.String()
	}
	b, err := os.ReadFile(p.logFile)
	if err != nil {
		return fmt.Sprintf("(log %s: %v)", p.logFile, err)
	}
	return string(b[max(0, len(b)-maxLogBytes):])
}

// pid is the process id (the leader of its process group).
func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the process itself (not its group).
func (p *process) signal(sig syscall.Signal) error {
	if p.exited() {
		return nil
	}
	return p.cmd.Process.Signal(sig)
}

// waitExit waits up to d for the process to exit and reports whether it did.
func (p *process) waitExit(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// kill SIGKILLs the whole process group and waits for the leader to exit.
// Safe to call more than once.
func (p *process) kill() {
	pid := p.cmd.Process.Pid
	kids := descendants(pid)
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	for _, k := range kids {
		_ = syscall.Kill(-k, syscall.SIGKILL) // its own group, if it leads one
		_ = syscall.Kill(k, syscall.SIGKILL)
	}
	<-p.done
}

// stop asks the process to exit with SIGTERM and kills its group after grace.
func (p *process) stop(grace time.Duration) {
	_ = p.signal(syscall.SIGTERM)
	p.waitExit(grace)
	p.kill()
}

// describeExit says how the process ended, for failure messages.
func (p *process) describeExit() string {
	if !p.exited() {
		return "still running"
	}
	if p.err == nil {
		return "exited with status 0"
	}
	return p.err.Error()
}

// waitReady polls probe every 50 ms until it succeeds, the process exits, or
// timeout passes. The error carries the last probe failure.
func (p *process) waitReady(timeout time.Duration, probe func() error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		if last = probe(); last == nil {
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%w (%s) before it was ready; last probe: %v", errExitedEarly, p.describeExit(), last)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s: %w", timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var errExitedEarly = errors.New("process exited")

// startReady runs start (which picks fresh ports and starts a process) until
// the process answers probe, retrying startAttempts times past port races.
func startReady(what string, timeout time.Duration, start func() (*process, func() error, error)) (*process, error) {
	var lastErr error
	var lastLogs string
	for attempt := range startAttempts {
		p, probe, err := start()
		if err != nil {
			return nil, err
		}
		err = p.waitReady(timeout, probe)
		if err == nil {
			return p, nil
		}
		p.kill()
		lastErr, lastLogs = fmt.Errorf("attempt %d: %w", attempt+1, err), p.output()
		if !errors.Is(err, errExitedEarly) {
			break // not a port race: another try would fail the same way
		}
	}
	return nil, withLog(what, lastErr, lastLogs)
}

// dialProbe succeeds once addr accepts TCP connections.
func dialProbe(addr string) func() error {
	return func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return err
		}
		return c.Close()
	}
}

// executable resolves a handler binary's path and checks it can be run.
func executable(prop, path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%s is empty: pass the handler executable (named bootstrap)", prop)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", prop, path, err)
	}
	if fi, err := os.Stat(abs); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s %q is not an executable file (%v)", prop, path, err)
	}
	return abs, nil
}

// startAttempts is how often a service start is tried with fresh ports, to
// get past another process taking a port between freePort and the bind.
const startAttempts = 3

// withLog wraps a service failure with the service's own log, so the error
// alone explains what went wrong.
func withLog(what string, err error, logs string) error {
	logs = strings.TrimRight(logs, "\n")
	if logs == "" {
		logs = "(no output)"
	}
	return fmt.Errorf("%s: %w\n----- %s log -----\n%s\n----- end of log -----", what, err, what, logs)
}
