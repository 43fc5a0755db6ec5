package bundling

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeBuilds records builds and holds each one until its gate is released.
type fakeBuilds struct {
	mu               sync.Mutex
	calls            map[string]int // "dir linux/arch" -> builds
	running, maxSeen int
	started          chan string
	gate             chan struct{}
}

func newFakeBuilds() *fakeBuilds {
	return &fakeBuilds{calls: map[string]int{}, started: make(chan string, 100), gate: make(chan struct{})}
}

func (f *fakeBuilds) build(_ context.Context, o BuildOptions) error {
	f.mu.Lock()
	f.calls[o.Entry.Dir+" linux/"+o.GOARCH]++
	f.running++
	f.maxSeen = max(f.maxSeen, f.running)
	f.mu.Unlock()
	f.started <- o.Entry.Dir
	<-f.gate
	f.mu.Lock()
	f.running--
	f.mu.Unlock()
	if strings.Contains(o.Entry.Dir, "broken") {
		return errors.Join(ErrBuild, errors.New("undefined: nope"))
	}
	return os.WriteFile(filepath.Join(o.OutDir, "bootstrap"), []byte(o.Entry.Dir+"/"+o.GOARCH), 0o755)
}

func opts(dir, goarch string) BuildOptions {
	return BuildOptions{Entry: Entry{Given: dir, Dir: dir, ModuleDir: dir}, GOARCH: goarch, Label: "S/" + dir}
}

// TestSchedulerSharesAndBounds starts five distinct builds and two duplicates
// on two slots: duplicates share a build, at most two run at once, and every
// function gets its own arch's binary.
func TestSchedulerSharesAndBounds(t *testing.T) {
	f := newFakeBuilds()
	s := NewScheduler(2)
	s.build = f.build

	a1 := s.Start("g", opts("/a", "arm64"))
	a2 := s.Start("g", opts("/a", "arm64")) // same entry and arch: shared
	if a1 != a2 {
		t.Fatal("same group, entry and arch started two builds")
	}
	aX := s.Start("g", opts("/a", "amd64"))     // other arch: its own build
	aOther := s.Start("h", opts("/a", "arm64")) // other assembly: its own build
	b := s.Start("g", opts("/b", "arm64"))
	c := s.Start("g", opts("/c", "arm64"))
	all := []*Pending{a1, aX, aOther, b, c}

	// Two builds hold both slots; the rest wait for one.
	<-f.started
	<-f.started
	if n := len(s.sem); n != 2 {
		t.Fatalf("%d slots taken, want 2", n)
	}
	close(f.gate)
	for _, p := range all {
		if err := p.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if f.maxSeen != 2 {
		t.Errorf("at most %d builds ran at once, want 2 (the bound)", f.maxSeen)
	}
	want := map[string]int{"/a linux/arm64": 2 /* groups g and h */, "/a linux/amd64": 1, "/b linux/arm64": 1, "/c linux/arm64": 1}
	if len(f.calls) != len(want) {
		t.Errorf("builds %v, want %v", f.calls, want)
	}
	for key, n := range want {
		if f.calls[key] != n {
			t.Errorf("%s built %d times, want %d", key, f.calls[key], n)
		}
	}

	dst := t.TempDir()
	must(t, aX.CopyTo(dst))
	if got, _ := os.ReadFile(filepath.Join(dst, "bootstrap")); string(got) != "/a/amd64" {
		t.Fatalf("copied %q, want the amd64 build", got)
	}

	// The output stays until the last sharer releases it.
	out := a1.opts.OutDir
	s.Release(a1)
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("output removed while still shared: %v", err)
	}
	s.Release(a2)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output %s kept after the last release (err %v)", out, err)
	}
	if again := s.Start("g", opts("/a", "arm64")); again == a1 {
		t.Fatal("a released build was reused")
	}
}

// TestSchedulerModuleFirstBuildGoesAlone: the second handler of a module
// waits for the module's first build, while another module's build runs.
func TestSchedulerModuleFirstBuildGoesAlone(t *testing.T) {
	f := newFakeBuilds()
	s := NewScheduler(2)
	s.build = f.build
	inModule := func(dir string) BuildOptions { o := opts(dir, "arm64"); o.Entry.ModuleDir = "/mod"; return o }
	first := s.Start("g", inModule("/mod/cmd/one"))
	second := s.Start("g", inModule("/mod/cmd/two"))
	other := s.Start("g", opts("/elsewhere", "arm64"))
	if first.first == nil || second.after != first.first || other.after != nil {
		t.Fatal("the module's second build is not ordered after its first")
	}
	started := map[string]bool{<-f.started: true, <-f.started: true}
	if !started["/mod/cmd/one"] || !started["/elsewhere"] {
		t.Fatalf("running %v; want the module's first build and the other module's", started)
	}
	close(f.gate)
	for _, p := range []*Pending{first, second, other} {
		must(t, p.Wait())
	}
	if got := <-f.started; got != "/mod/cmd/two" {
		t.Fatalf("then %s started, want /mod/cmd/two", got)
	}
}

func TestSchedulerError(t *testing.T) {
	f := newFakeBuilds()
	close(f.gate)
	s := NewScheduler(1)
	s.build = f.build
	p := s.Start("g", opts("/broken", "arm64"))
	err := p.CopyTo(t.TempDir())
	if !errors.Is(err, ErrBuild) || !strings.Contains(err.Error(), "undefined: nope") {
		t.Fatalf("err = %v, want the build's error", err)
	}
	s.Release(p)
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

// TestRebuildUsesBuildCache checks that Build neither forces a rebuild (-a)
// nor isolates the Go build cache: after one Build, the same build again
// compiles nothing (go build -x runs no compile step), only links.
func TestRebuildUsesBuildCache(t *testing.T) {
	mod := writeTree(t, map[string]string{
		"go.mod":  "module example.com/c\n\ngo 1.26\n",
		"main.go": "package main\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n)\n\nfunc main() { json.NewEncoder(os.Stdout).Encode(\"cached\") }\n",
	})
	entry, err := ResolveEntry(mod, "amd64")
	must(t, err)
	o := BuildOptions{Entry: entry, GOARCH: "amd64", OutDir: t.TempDir(), Label: "S/Cached", Progress: &bytes.Buffer{}}
	cmd := buildCommand(context.Background(), "go", o)
	for _, a := range cmd.Args {
		if a == "-a" {
			t.Fatalf("build forces a full rebuild: %v", cmd.Args)
		}
	}
	for _, kv := range cmd.Env[len(os.Environ()):] {
		if strings.HasPrefix(kv, "GOCACHE=") {
			t.Fatalf("build sets its own %s", kv)
		}
	}
	must(t, Build(context.Background(), o))

	o.OutDir = t.TempDir()
	again := buildCommand(context.Background(), "go", o, "-x")
	out, err := again.CombinedOutput()
	if err != nil {
		t.Fatalf("second build: %v\n%s", err, out)
	}
	var compiles []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "/compile ") {
			compiles = append(compiles, line)
		}
	}
	if len(compiles) > 0 {
		t.Fatalf("unchanged handler recompiled %d package(s), want all from the build cache:\n%s", len(compiles), strings.Join(compiles, "\n"))
	}
	if !strings.Contains(string(out), "/link ") {
		t.Fatalf("second build did not link (output lacks the link step):\n%s", out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSweepStaleBuildDirs: directories of exited processes go, this
// process's and live processes' stay.
func TestSweepStaleBuildDirs(t *testing.T) {
	exited := exec.Command(os.Args[0], "-test.run=^$")
	must(t, exited.Run())
	tmp := t.TempDir()
	stale := filepath.Join(tmp, fmt.Sprintf("lift-build-%d-123", exited.Process.Pid))
	own := filepath.Join(tmp, buildDirPrefix()+"456")
	live := filepath.Join(tmp, fmt.Sprintf("lift-build-%d-789", os.Getppid()))
	other := filepath.Join(tmp, "lift-build-notapid-1")
	for _, d := range []string{stale, own, live, other} {
		must(t, os.MkdirAll(filepath.Join(d, "sub"), 0o755))
	}
	sweepStaleBuildDirs(tmp)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("build dir of exited process %d kept (err %v)", exited.Process.Pid, err)
	}
	for _, d := range []string{own, live, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed: %v", d, err)
		}
	}
}
