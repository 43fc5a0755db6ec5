// Command compare measures what Lift's runtime adds to a Go Lambda handler:
// the binary size of internal/cmd/bench/apps/lifthello against
// internal/cmd/bench/apps/barehello (both built with gofunction's flags), and
// their init time under the Lambda Runtime Interface Emulator: process start
// to first response, the median of several cold starts, alternating the two
// apps.
//
//	go run ./internal/cmd/bench/compare [-runs 9] [-check]
//
// With -check it exits 1 when a target is missed (size +1.5 MB, init +5 ms).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/liftcdk/lift/internal/localsvc"
)

const (
	sizeTarget = 1.5 * 1024 * 1024
	initTarget = 5 * time.Millisecond
)

type app struct {
	name, pkg, bin string
	size           int64
	firstResponse  []time.Duration // process start to first response, seen by the client
	initReport     []time.Duration // RIE's INIT REPORT durationMs (runtime init only)
}

func main() {
	runs := flag.Int("runs", 9, "cold starts per app")
	check := flag.Bool("check", false, "exit 1 if a target is missed")
	flag.Parse()
	if err := run(*runs, *check); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(runs int, check bool) error {
	root, err := localsvc.FindRoot()
	if err != nil {
		return err
	}
	rie, err := localsvc.LookTool(root, "aws-lambda-rie")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "lift-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	apps := []*app{
		{name: "bare aws-lambda-go", pkg: "./internal/cmd/bench/apps/barehello"},
		{name: "lift.Start", pkg: "./internal/cmd/bench/apps/lifthello"},
	}
	for _, a := range apps {
		if err := build(root, dir, a); err != nil {
			return err
		}
	}
	for i := range runs {
		for j := range apps {
			a := apps[(i+j)%len(apps)] // alternate who goes first
			first, initDur, err := coldStart(rie, a.bin)
			if err != nil { // a loopback port taken between probe and bind: one retry
				first, initDur, err = coldStart(rie, a.bin)
			}
			if err != nil {
				return fmt.Errorf("%s run %d: %w", a.name, i+1, err)
			}
			a.firstResponse = append(a.firstResponse, first)
			a.initReport = append(a.initReport, initDur)
		}
	}

	bare, lift := apps[0], apps[1]
	sizeDelta := lift.size - bare.size
	firstDelta := median(lift.firstResponse) - median(bare.firstResponse)
	initDelta := median(lift.initReport) - median(bare.initReport)
	fmt.Printf("GOOS=linux GOARCH=%s %s, %d cold starts each under aws-lambda-rie\n\n", runtime.GOARCH, runtime.Version(), runs)
	fmt.Printf("%-20s %12s %22s %20s\n", "", "binary", "start->1st response", "RIE INIT REPORT")
	for _, a := range apps {
		fmt.Printf("%-20s %9.2f MB %19.2f ms %17.2f ms\n", a.name, mb(a.size), msec(median(a.firstResponse)), msec(median(a.initReport)))
	}
	fmt.Printf("%-20s %+9.2f MB %+19.2f ms %+17.2f ms\n", "lift adds", mb(sizeDelta), msec(firstDelta), msec(initDelta))
	fmt.Printf("%-20s %9.3fx %22s %20s\n\n", "size ratio", float64(lift.size)/float64(bare.size), "", "")

	sizeOK := sizeDelta <= sizeTarget
	initOK := firstDelta <= initTarget
	fmt.Printf("target size  <= +1.50 MB: %s (%+.2f MB)\n", verdict(sizeOK), mb(sizeDelta))
	fmt.Printf("target init  <= +5.00 ms: %s (%+.2f ms, median start->first response)\n", verdict(initOK), msec(firstDelta))
	if check && !(sizeOK && initOK) {
		return errors.New("a target was missed")
	}
	return nil
}

func build(root, dir string, a *app) error {
	bin, err := localsvc.BuildHandler(context.Background(), root, a.pkg, filepath.Join(dir, filepath.Base(a.pkg)))
	if err != nil {
		return err
	}
	a.bin = bin
	fi, err := os.Stat(a.bin)
	if err != nil {
		return err
	}
	a.size = fi.Size()
	return nil
}

var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// coldStart starts RIE for bin, waits until it listens, then times the first
// invocation, which is when RIE starts the runtime process (on-demand init).
func coldStart(rie, bin string) (time.Duration, time.Duration, error) {
	ports, err := freePorts(2)
	if err != nil {
		return 0, 0, err
	}
	emu, api := "127.0.0.1:"+strconv.Itoa(ports[0]), "127.0.0.1:"+strconv.Itoa(ports[1])
	var logs bytes.Buffer
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", emu, "--runtime-api-address", api, bin)
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = []string{
		"PATH=/usr/local/bin:/usr/bin:/bin", "AWS_LAMBDA_FUNCTION_NAME=hello", "AWS_LAMBDA_FUNCTION_TIMEOUT=10",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_INITIALIZATION_TYPE=on-demand", "AWS_REGION=us-east-1",
		"LIFT_SERVICE=hello",
	}
	cmd.Stdout, cmd.Stderr = &syncWriter{b: &logs}, &syncWriter{b: &logs}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // RIE and the runtime it starts, stopped together
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	for _, addr := range []string{emu, api} { // the runtime API may come up after the emulator port
		if err := waitListening(addr, 15*time.Second); err != nil {
			return 0, 0, fmt.Errorf("%w\n%s", err, logs.String())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+emu+"/2015-03-31/functions/function/invocations", strings.NewReader(`{"name":"bench"}`))
	start := time.Now()
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0, 0, err
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	first := time.Since(start)
	if resp.StatusCode != 200 || !strings.Contains(body.String(), "hello, bench") {
		return 0, 0, fmt.Errorf("unexpected response %d %s\n%s", resp.StatusCode, body.String(), logs.String())
	}
	var initDur time.Duration
	for range 100 { // RIE may print the report just after answering
		if m := initReport.FindStringSubmatch(logs.String()); m != nil {
			f, _ := strconv.ParseFloat(m[1], 64)
			initDur = time.Duration(f * float64(time.Millisecond))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return first, initDur, nil
}

type syncWriter struct {
	b *bytes.Buffer
}

var logMu = make(chan struct{}, 1)

func (w *syncWriter) Write(p []byte) (int, error) {
	logMu <- struct{}{}
	defer func() { <-logMu }()
	return w.b.Write(p)
}

func waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			return c.Close()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("aws-lambda-rie did not listen on %s within %v", addr, timeout)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mb(b int64) float64           { return float64(b) / (1024 * 1024) }
func msec(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
