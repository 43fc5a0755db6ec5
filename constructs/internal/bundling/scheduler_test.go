package bundling

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeBatches records batches and holds each one until its gate is released.
type fakeBatches struct {
	mu               sync.Mutex
	batches          [][]string // entry dirs of each batch, with its target
	running, maxSeen int
	started          chan struct{}
	gate             chan struct{}
}

func newFakeBatches() *fakeBatches {
	return &fakeBatches{started: make(chan struct{}, 100), gate: make(chan struct{})}
}

func (f *fakeBatches) run(b *Batch, _ context.Context) (Result, error) {
	var dirs []string
	for _, e := range b.Entries {
		dirs = append(dirs, e.Dir+" "+b.Target())
	}
	f.mu.Lock()
	f.batches = append(f.batches, dirs)
	f.running++
	f.maxSeen = max(f.maxSeen, f.running)
	f.mu.Unlock()
	f.started <- struct{}{}
	<-f.gate
	f.mu.Lock()
	f.running--
	f.mu.Unlock()
	for _, e := range b.Entries {
		if strings.Contains(e.Dir, "broken") {
			return Result{}, &BuildError{Output: "undefined: nope", Detail: e.Dir}
		}
	}
	must(nil, os.MkdirAll(b.OutDir, 0o755))
	for _, e := range b.Entries {
		if err := os.WriteFile(b.Output(e), []byte(e.Dir+" "+b.Target()), 0o755); err != nil {
			return Result{}, err
		}
	}
	return Result{Linked: len(b.Entries)}, nil
}

func entry(mod, dir string) Entry {
	return Entry{Given: dir, Dir: filepath.Join(mod, dir), ModuleDir: mod}
}

// TestSchedulerBatchesAGroup: handlers added while the app is defined build
// when the first is waited for: one batch per module and target, duplicates
// shared, another assembly's handlers left alone, at most Jobs at once.
func TestSchedulerBatchesAGroup(t *testing.T) {
	f := newFakeBatches()
	s := NewScheduler(2)
	s.run = f.run
	group := t.TempDir()

	a := s.Add(group, entry("/m", "a"), "linux", "arm64", "S/A")
	if again := s.Add(group, entry("/m", "a"), "linux", "arm64", "S/A2"); again != a {
		t.Fatal("same group, entry and target queued twice")
	}
	b := s.Add(group, entry("/m", "b"), "linux", "arm64", "S/B")
	aX := s.Add(group, entry("/m", "a"), "linux", "amd64", "S/AX")
	other := s.Add(group, entry("/o", "c"), "linux", "arm64", "S/C")
	elsewhere := s.Add(t.TempDir(), entry("/m", "a"), "linux", "arm64", "T/A")
	if s.Batches() != 0 {
		t.Fatal("a build started before any handler was waited for")
	}

	errs := make(chan error, 4)
	go func() { errs <- s.Wait(b) }()
	<-f.started
	<-f.started
	close(f.gate)
	for _, p := range []*Pending{a, aX, other} {
		must(t, s.Wait(p))
	}
	must(t, <-errs)
	if f.maxSeen != 2 {
		t.Errorf("at most %d batches ran at once, want 2 (the bound)", f.maxSeen)
	}
	want := map[string]bool{
		"/m/a linux/arm64,/m/b linux/arm64": true,
		"/m/a linux/amd64":                  true,
		"/o/c linux/arm64":                  true,
	}
	if len(f.batches) != len(want) {
		t.Fatalf("batches %v, want %v", f.batches, want)
	}
	for _, dirs := range f.batches {
		if !want[strings.Join(dirs, ",")] {
			t.Errorf("unexpected batch %v", dirs)
		}
	}
	select {
	case <-elsewhere.done:
		t.Fatal("another assembly's handler was built")
	default:
	}

	dst := t.TempDir()
	must(t, aX.CopyTo(dst))
	if got, _ := os.ReadFile(filepath.Join(dst, "bootstrap")); string(got) != "/m/a linux/amd64" {
		t.Fatalf("copied %q, want the amd64 build", got)
	}
	if !strings.HasPrefix(aX.Output(), filepath.Join(group, OutDirName)) {
		t.Errorf("binary %s is not kept in the assembly's %s", aX.Output(), OutDirName)
	}
}

func TestSchedulerError(t *testing.T) {
	f := newFakeBatches()
	close(f.gate)
	s := NewScheduler(1)
	s.run = f.run
	group := t.TempDir()
	broken := s.Add(group, entry("/m", "broken"), "linux", "arm64", "S/Broken")
	sibling := s.Add(group, entry("/m", "fine"), "linux", "arm64", "S/Fine")
	for _, p := range []*Pending{broken, sibling} {
		if err := s.Wait(p); !errors.Is(err, ErrBuild) || !strings.Contains(err.Error(), "undefined: nope") {
			t.Fatalf("err = %v, want the batch's build error", err)
		}
	}
}

func TestJobsFrom(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", 3, false}, {"  ", 3, false}, {"1", 1, false}, {" 8 ", 8, false},
		{"0", 0, true}, {"-2", 0, true}, {"many", 0, true}, {"1.5", 0, true},
	}
	for _, tt := range tests {
		got, err := jobsFrom(tt.in, 3)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("jobsFrom(%q) = %d, %v", tt.in, got, err)
		}
		if err != nil && (!errors.Is(err, ErrBuildJobs) || !strings.Contains(err.Error(), JobsEnv) || !strings.Contains(err.Error(), tt.in)) {
			t.Errorf("error %v must name %s and the value", err, JobsEnv)
		}
	}
}

func must(t testing.TB, err error) {
	if err != nil {
		if t == nil {
			panic(err)
		}
		t.Helper()
		t.Fatal(err)
	}
}
