package local

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
)

// TestProcIdentity: a process is alive only while it is the one recorded
// (same pid and start time), and stop ends it and leaves others alone.
func TestProcIdentity(t *testing.T) {
	self := track(os.Getpid(), "")
	if !self.Alive() || self.Start == 0 {
		t.Fatalf("this process: %+v not alive", self)
	}
	reused := self
	reused.Start++ // another process that got the same pid
	if reused.Alive() {
		t.Fatal("a pid with another start time counts as alive")
	}
	reused.stop(time.Second) // must not signal this process
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p := track(cmd.Process.Pid, "")
	if !p.Alive() {
		t.Fatal("a started process is not alive")
	}
	p.stop(2 * time.Second)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not end the process")
	}
	if p.Alive() {
		t.Fatal("an ended process counts as alive")
	}
}

func TestLoadWithoutState(t *testing.T) {
	if _, err := Load(t.TempDir()); err != ErrNotUp {
		t.Fatalf("Load of a folder without a local cloud: %v, want ErrNotUp", err)
	}
}

// A service with two functions (its API and its jobs worker) has both
// processes in Procs, so up checks, and down counts, each of them; so has a
// second function a user gave the service's name.
func TestProcsKeepsEveryFunctionOfAService(t *testing.T) {
	s := State{Funcs: []Function{
		{Service: "reports", Name: "api", Proc: Proc{Pid: 10}},
		{Service: "reports/worker", Name: "worker", Proc: Proc{Pid: 11}},
		{Service: "reports", Name: "other", Proc: Proc{Pid: 12}},
	}}
	procs := s.Procs()
	if len(procs) != 5 || procs["function reports"].Pid != 10 || procs["function reports/worker"].Pid != 11 ||
		procs["function reports (other)"].Pid != 12 {
		t.Fatalf("Procs: %+v", procs)
	}
}

// A service's jobs worker shares the service's LIFT_SERVICE: up records it
// as SERVICE/worker with a log of its own, so SERVICE is always the
// service's own function, whichever of the two the stack lists first.
func TestJobsWorkerIsServiceSlashWorker(t *testing.T) {
	u := &upper{s: &State{}, work: t.TempDir()}
	deployed := []localcloud.Function{
		{Name: "reportsWorker", ARN: "arn:aws:lambda:us-east-1:123456789012:function:reportsWorker",
			Env: map[string]string{contract.EnvService: "reports", contract.EnvJobsWorker: "true"}},
		{Name: "reportsApi", ARN: "arn:aws:lambda:us-east-1:123456789012:function:reportsApi",
			Env: map[string]string{contract.EnvService: "reports"}},
		{Name: "orders", Env: map[string]string{contract.EnvService: "orders", contract.EnvJobsWorker: "false"}},
	}
	for _, fn := range deployed {
		u.s.Funcs = append(u.s.Funcs, u.entry("Reports", fn))
	}
	for name, want := range map[string]string{"reports": "reportsApi", "reports/worker": "reportsWorker", "orders": "orders"} {
		f, err := u.s.Function(name)
		if err != nil || f.Name != want {
			t.Errorf("Function(%q) = %s, %v; want %s", name, f.Name, err, want)
		}
	}
	worker, _ := u.s.Function("reports/worker")
	api, _ := u.s.Function("reports")
	if filepath.Base(worker.Proc.Log) != "reports-worker.log" || filepath.Base(api.Proc.Log) != "reports.log" {
		t.Errorf("logs: worker %s, function %s", worker.Proc.Log, api.Proc.Log)
	}
	if worker.Alias != worker.ARN+":live" || worker.Stack != "Reports" {
		t.Errorf("worker entry: %+v", worker)
	}
	_, err := u.s.Function("report")
	if err == nil || !strings.Contains(err.Error(), "valid names: reports/worker, reports, orders") {
		t.Errorf("Function of an unknown name: %v; want the valid names listed", err)
	}
}

// A second function a user gave a service's LIFT_SERVICE (no worker) logs
// to a file of its own.
func TestSameServiceTwiceLogsApart(t *testing.T) {
	u := &upper{s: &State{}, work: t.TempDir()}
	for _, name := range []string{"a", "b"} {
		u.s.Funcs = append(u.s.Funcs, u.entry("S", localcloud.Function{Name: name, Env: map[string]string{contract.EnvService: "shop"}}))
	}
	if a, b := filepath.Base(u.s.Funcs[0].Proc.Log), filepath.Base(u.s.Funcs[1].Proc.Log); a != "shop.log" || b != "shop-b.log" {
		t.Errorf("logs %s and %s; want shop.log and shop-b.log", a, b)
	}
}
