package local

import (
	"os"
	"os/exec"
	"testing"
	"time"
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
// processes in Procs, so up checks, and down counts, each of them.
func TestProcsKeepsEveryFunctionOfAService(t *testing.T) {
	s := State{Funcs: []Function{
		{Service: "reports", Name: "api", Proc: Proc{Pid: 10}},
		{Service: "reports", Name: "worker", Proc: Proc{Pid: 11}},
	}}
	procs := s.Procs()
	if len(procs) != 4 || procs["function reports"].Pid != 10 || procs["function reports (worker)"].Pid != 11 {
		t.Fatalf("Procs: %+v", procs)
	}
}
