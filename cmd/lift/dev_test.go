package main_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// reloadBound fails a reload that takes longer: the target is 1.5 s on an
// idle 2-core machine (each reload prints its figure), but a test machine
// shared with other builds can be several times slower, so the test bounds
// what would be broken, not what is slow.
const reloadBound = 30 * time.Second

// devRun is a running `lift dev`.
type devRun struct {
	cmd       *exec.Cmd
	services  map[string]string // service -> URL
	dashboard string
	stderr    *testsvc.SyncBuffer
	done      chan struct{}
}

// startDev runs lift dev in dir and waits for its URL lines; the test's
// cleanup stops it with SIGINT and checks that its ports are closed.
func startDev(t *testing.T, dir string, args ...string) *devRun {
	t.Helper()
	d := &devRun{services: map[string]string{}, stderr: &testsvc.SyncBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command(liftBin, append([]string{"dev"}, args...)...)
	d.cmd.Dir = dir
	d.cmd.Stderr = d.stderr
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() { _ = d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.stop(t) })
	timeout := time.After(10 * time.Minute) // a cold synth builds the CDK app first
	for d.dashboard == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("lift dev exited before printing its URLs:\n%s", d.stderr)
			}
			name, url, _ := strings.Cut(l, " ")
			if name == "dashboard" {
				d.dashboard = url
			} else {
				d.services[name] = url
			}
		case <-timeout:
			t.Fatalf("lift dev printed no dashboard line in 10 minutes:\n%s", d.stderr)
		}
	}
	go func() {
		for range lines { // nothing more is printed on stdout, but keep draining
		}
	}()
	t.Logf("lift dev: %v, dashboard %s", d.services, d.dashboard)
	return d
}

// stop sends Ctrl-C, waits for lift dev to exit, and checks that nothing
// it started still listens.
func (d *devRun) stop(t *testing.T) {
	_ = d.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		_ = d.cmd.Process.Kill()
		t.Errorf("lift dev did not exit within 20s of SIGINT")
	}
	if code := d.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("lift dev exited %d after SIGINT, want 0", code)
	}
	for name, url := range d.services {
		if c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), time.Second); err == nil {
			c.Close()
			t.Errorf("%s's port %s still listens after lift dev exited", name, url)
		}
	}
	// No build it ran outlives it (a backend swapped out just before Ctrl-C included).
	bins := filepath.Join(d.cmd.Dir, ".lift", "dev", "bin")
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range cmdlines {
		if b, err := os.ReadFile(f); err == nil && strings.HasPrefix(string(b), bins) {
			t.Errorf("a build still runs after lift dev exited: %s (%s)", b, f)
		}
	}
	t.Logf("lift dev stderr:\n%s", d.stderr)
}

// waitStderr waits until lift dev's stderr contains s.
func (d *devRun) waitStderr(t *testing.T, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(d.stderr.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("lift dev did not print %q within %s:\n%s", s, within, d.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// poller asks url every 50 ms and records every answer that is not a 200.
type poller struct {
	mu       sync.Mutex
	last     string
	failures []string
	count    int
	cancel   context.CancelFunc
	done     chan struct{}
}

func poll(url string) *poller {
	ctx, cancel := context.WithCancel(context.Background())
	p := &poller{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for ctx.Err() == nil {
			resp, err := http.Get(url)
			p.mu.Lock()
			p.count++
			if err != nil {
				p.failures = append(p.failures, err.Error())
			} else {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					p.failures = append(p.failures, fmt.Sprintf("%d %s", resp.StatusCode, b))
				}
				p.last = string(b)
			}
			p.mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return p
}

// waitFor waits until the last answer contains want and returns how long it took.
func (p *poller) waitFor(t *testing.T, want string, since time.Time) time.Duration {
	t.Helper()
	for time.Since(since) < reloadBound {
		p.mu.Lock()
		last := p.last
		p.mu.Unlock()
		if strings.Contains(last, want) {
			return time.Since(since)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no answer with %q within %s", want, reloadBound)
	return 0
}

func (p *poller) stop(t *testing.T) {
	p.cancel()
	<-p.done
	if len(p.failures) > 0 {
		t.Errorf("%d of %d polled requests failed during reloads: %q", len(p.failures), p.count, p.failures)
	}
	t.Logf("poller: %d requests, all 200", p.count)
}

// TestDevReload is the inner loop on an app made by lift new: a request
// answers; an edit of the handler answers within the bound while a client
// polling every 50 ms sees only 200s; a syntax error is reported once and
// the previous build keeps answering; fixing it restores the loop.
func TestDevReload(t *testing.T) {
	for _, tool := range []string{"go", "node", "cdk", "moto_server"} {
		testsvc.Tool(t, tool)
	}
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if r := lift(t, work, nil, "dev"); r.code != 2 || !strings.Contains(r.stderr, "has no cdk.json") {
		t.Errorf("lift dev outside a CDK app: exit %d, %q; want 2 and why", r.code, r.stderr)
	}
	app := filepath.Join(work, "shop")
	mustLift(t, work, 0, "new", "shop", "--lift", root)
	d := startDev(t, app)
	url := d.services["shop"]
	if url == "" {
		t.Fatalf("lift dev printed no shop line: %v", d.services)
	}
	if _, ok := d.services["lift-warmer"]; ok {
		t.Errorf("lift dev serves the stack's warmer: %v", d.services)
	}
	d.waitStderr(t, "shop started in", time.Minute)
	if code, body := get(t, url+"/hello?name=Ada"); code != 200 || !strings.Contains(body, `"message":"Hello, Ada!"`) {
		t.Fatalf("GET /hello: %d %s", code, body)
	}
	// The stack's DynamoDB tier runs on a moto lift dev started: the first
	// request missed both tiers and wrote through to the table.
	d.waitStderr(t, "shop: dynamodb cache tier on moto", time.Second)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) { // EMF lines follow the answer
		s := state(t, d.dashboard)
		if len(s.Services) == 1 && s.Services[0].Cache["dynamodb"].Misses == 1 && s.Services[0].Cache["memory"].Misses == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cache tiers after one request: %+v, want one miss in memory and one in dynamodb", s.Services)
		}
	}
	// shop's handler does not call tracing.FromEnv: it records no spans,
	// and the Traces view says how to turn tracing on.
	if s := state(t, d.dashboard); s.Services[0].Spans != 0 || s.Tracing != "stdout" {
		t.Errorf("shop recorded %d spans under LIFT_TRACING=%q, want none under stdout", s.Services[0].Spans, s.Tracing)
	}
	page := openDashboard(t, browser(t), d.dashboard)
	if err := chromedp.Do(page,
		chromedp.WaitVisible(chromedp.CSS(`#trace-hint code`)),
		chromedp.Poll[chromedp.Void](`document.getElementById("trace-hint").textContent.includes("shop recorded no spans") && document.getElementById("trace-hint").textContent.includes("tracing.FromEnv")`,
			chromedp.WithPollingTimeout(10*time.Second)),
	); err != nil {
		text, _ := chromedp.Run(page, chromedp.Text(chromedp.CSS("#trace-hint")))
		t.Errorf("the Traces view does not say how to turn tracing on: %v; it says %q", err, text)
	}
	p := poll(url + "/hello?name=Ada")
	defer p.stop(t)

	src := filepath.Join(app, "handler", "api.go")
	edit := func(from, to string) time.Time {
		t.Helper()
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(from)) {
			t.Fatalf("%s has no %q", src, from)
		}
		if err := os.WriteFile(src, bytes.Replace(b, []byte(from), []byte(to), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		return time.Now()
	}
	// The greeting Ada was given is cached in DynamoDB; a reload gets an
	// empty table of its own, so the new code's greeting shows at once.
	took := p.waitFor(t, `"message":"Howdy, Ada!"`, edit(`"Hello, "`, `"Howdy, "`))
	t.Logf("save -> new answer: %s (target 1.5s on an idle 2-core machine)", took.Round(time.Millisecond))
	d.waitStderr(t, "shop reloaded in", 5*time.Second)
	edit(`"Howdy, "`, `"Hello, "`)
	took = p.waitFor(t, `"msg":"Hello, Ada!"`, edit("`json:\"message\"`", "`json:\"msg\"`"))
	t.Logf("save -> new answer: %s (target 1.5s on an idle 2-core machine)", took.Round(time.Millisecond))
	d.waitStderr(t, "shop reloaded in", 5*time.Second)

	edit(`reply(http.StatusOK, greeting{`, `reply(http.StatusOK,, greeting{`)
	d.waitStderr(t, "shop build failed (the last good build keeps serving)", reloadBound)
	if code, body := get(t, url+"/hello?name=Ada"); code != 200 || !strings.Contains(body, `"msg":"Hello, Ada!"`) {
		t.Errorf("after a compile error the last good build answers %d %s", code, body)
	}
	if !strings.Contains(d.stderr.String(), "syntax error") {
		t.Errorf("the compile error is not shown:\n%s", d.stderr)
	}
	edit(`reply(http.StatusOK,, greeting{`, `reply(http.StatusOK, greeting{`)
	edit("`json:\"msg\"`", "`json:\"text\"`")
	took = p.waitFor(t, `"text":"Hello, Ada!"`, time.Now())
	t.Logf("fixed -> new answer: %s", took.Round(time.Millisecond))
	if n := strings.Count(d.stderr.String(), "build failed"); n != 1 {
		t.Errorf("the compile error was shown %d times, want once:\n%s", n, d.stderr)
	}
}
