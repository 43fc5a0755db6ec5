package dev

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/liftcdk/lift/internal/localsvc"
)

// backend is one running build of a function: the multi-mode binary in
// local mode on its own loopback port, its own process group.
type backend struct {
	cmd     *exec.Cmd
	addr    string // 127.0.0.1:PORT
	started time.Time
	done    chan struct{} // closed when the process has exited
	// inflight counts the requests the service's proxy is sending it.
	inflight atomic.Int64
}

// startBackend runs bin with env plus LIFT_LOCAL_ADDR on a free port, sends
// each line it writes to onLine, and returns once it accepts connections.
func startBackend(ctx context.Context, bin string, env func(addr string) []string, dir string, onLine func([]byte)) (*backend, error) {
	addr, err := localsvc.FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = env(addr)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	b := &backend{cmd: cmd, addr: addr, started: time.Now(), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan struct{})
	go func() {
		defer close(lines)
		readLines(out, onLine)
	}()
	go func() {
		<-lines // Wait closes the pipe: read it all first
		_ = cmd.Wait()
		close(b.done)
	}()
	for {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			return b, nil
		}
		select {
		case <-b.done:
			return nil, fmt.Errorf("exited before listening (%v): see its log lines above", cmd.ProcessState)
		case <-ctx.Done():
			b.stop(time.Second)
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Since(b.started) > 15*time.Second {
			b.stop(time.Second)
			return nil, fmt.Errorf("did not listen on %s within 15s", addr)
		}
	}
}

func readLines(r io.Reader, onLine func([]byte)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		onLine(sc.Bytes())
	}
	_, _ = io.Copy(io.Discard, r) // an over-long line: keep the pipe flowing
}

// stop sends SIGTERM to the backend's process group (its shutdown hooks
// run, in-flight requests finish), then SIGKILL after grace.
func (b *backend) stop(grace time.Duration) {
	pgid := -b.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(grace):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-b.done
	}
}
