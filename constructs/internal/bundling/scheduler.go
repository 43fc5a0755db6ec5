package bundling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/liftcdk/lift/internal/contract"
)

// JobsEnv bounds how many handler builds run at once. Default: GOMAXPROCS.
// 1 builds one handler at a time, as CDK's own bundling would.
const JobsEnv = "LIFT_BUILD_JOBS"

// Scheduler starts handler builds in the background as soon as a function is
// defined, at most Jobs at a time, and hands each result to the CDK bundling
// call that waits for it. Builds are shared per (entry directory, GOARCH)
// within one group (one cloud assembly), so two functions from the same entry
// build once. Every build uses the default Go build cache: an unchanged
// handler costs a cache lookup and a link.
type Scheduler struct {
	sem chan struct{}
	// build runs one build; Build except in tests.
	build func(context.Context, BuildOptions) error

	mu      sync.Mutex
	builds  map[buildKey]*Pending
	started int
	// firsts holds, per module and GOARCH, a channel closed when that
	// module's first build in this process has ended.
	firsts map[moduleKey]chan struct{}
}

type moduleKey struct{ moduleDir, goarch string }

// Started is how many builds this scheduler has started so far.
func (s *Scheduler) Started() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

type buildKey struct{ group, dir, goarch string }

// NewScheduler returns a scheduler running at most jobs builds at once
// (jobs < 1 means 1).
func NewScheduler(jobs int) *Scheduler {
	if jobs < 1 {
		jobs = 1
	}
	return &Scheduler{sem: make(chan struct{}, jobs), build: Build, builds: map[buildKey]*Pending{}, firsts: map[moduleKey]chan struct{}{}}
}

var (
	defaultOnce      sync.Once
	defaultScheduler *Scheduler
	defaultErr       error
)

// DefaultScheduler is the process-wide scheduler, sized by $LIFT_BUILD_JOBS or
// GOMAXPROCS. A bad $LIFT_BUILD_JOBS is an error naming the variable.
func DefaultScheduler() (*Scheduler, error) {
	defaultOnce.Do(func() {
		v, _ := os.LookupEnv(JobsEnv)
		var jobs int
		if jobs, defaultErr = jobsFrom(v, runtime.GOMAXPROCS(0)); defaultErr == nil {
			defaultScheduler = NewScheduler(jobs)
			go sweepStaleBuildDirs(os.TempDir())
		}
	})
	return defaultScheduler, defaultErr
}

// jobsFrom reads a $LIFT_BUILD_JOBS value; empty means def.
func jobsFrom(v string, def int) (int, error) {
	if strings.TrimSpace(v) == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%w: %s=%q is not a positive whole number; set it to how many handler builds may run at once (1: one at a time) or unset it for GOMAXPROCS (%d)",
			ErrBuildJobs, JobsEnv, v, def)
	}
	return n, nil
}

// ErrBuildJobs is returned for a bad $LIFT_BUILD_JOBS.
var ErrBuildJobs = errors.New("bad handler build parallelism")

// Pending is one handler build, started or done. Its output directory holds
// contract.BootstrapName once Wait returns nil.
type Pending struct {
	key   buildKey
	first chan struct{} // closed when this build ends, if it is its module's first
	after chan struct{} // the module's first build, which this one waits for
	refs  int           // functions sharing this build that have not released it (guarded by Scheduler.mu)
	opts  BuildOptions
	done  chan struct{}
	err   error
}

// Start schedules the build of opts.Entry for opts.GOARCH in group (the cloud
// assembly directory: builds are shared only within one synth) and returns at
// once. A build already scheduled for the same group, entry directory and
// GOARCH is shared instead of starting a new one. opts.OutDir is ignored: the
// build writes to a private temporary directory, copied out by CopyTo. Every
// Start is matched by one Release.
func (s *Scheduler) Start(group string, opts BuildOptions) *Pending {
	key := buildKey{group: group, dir: opts.Entry.Dir, goarch: opts.GOARCH}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.builds[key]; ok {
		p.refs++
		return p
	}
	p := &Pending{key: key, refs: 1, opts: opts, done: make(chan struct{})}
	mk := moduleKey{opts.Entry.ModuleDir, opts.GOARCH}
	if gate, ok := s.firsts[mk]; ok {
		p.after = gate
	} else {
		p.first = make(chan struct{})
		s.firsts[mk] = p.first
	}
	s.builds[key] = p
	s.started++
	go s.run(p)
	return p
}

// run waits for a slot, then builds. The goroutine ends with the build; the go
// command it starts is a child process that ends on its own (a process that
// exits before its build finishes leaves only a temporary directory, which
// a later process sweeps).
//
// The first build of each module and GOARCH runs before the others of that
// module start: with a cold Go build cache it compiles the dependencies the
// handlers share (the go command builds them in parallel itself), which
// concurrent go commands would each compile again, since they do not share
// work in progress. With a warm cache it costs one short build, which
// overlaps with the definition of the rest of the app.
func (s *Scheduler) run(p *Pending) {
	defer close(p.done)
	if p.first != nil {
		defer close(p.first)
	}
	if p.after != nil {
		<-p.after
	}
	s.sem <- struct{}{}
	defer func() { <-s.sem }()
	dir, err := os.MkdirTemp("", buildDirPrefix())
	if err != nil {
		p.err = fmt.Errorf("%w for %s: temporary build directory: %v", ErrBuild, p.opts.Label, err)
		return
	}
	p.opts.OutDir = dir
	p.err = s.build(context.Background(), p.opts)
}

// Wait blocks until the build is done and returns its error, which names the
// entry and carries the compiler's output.
func (p *Pending) Wait() error {
	<-p.done
	return p.err
}

// CopyTo waits for the build and copies the built bootstrap into dir. The
// build's own copy stays for other functions that share it until Release.
func (p *Pending) CopyTo(dir string) error {
	if err := p.Wait(); err != nil {
		return err
	}
	src := filepath.Join(p.opts.OutDir, contract.BootstrapName)
	if err := copyFile(src, filepath.Join(dir, contract.BootstrapName)); err != nil {
		return fmt.Errorf("%w for %s: copy %s into the asset directory %s: %v", ErrBuild, p.opts.Label, src, dir, err)
	}
	return nil
}

// Release says one function that shares this build has its asset staged (or
// will never stage it). When the last one has, the build's output directory is
// removed (after the build ends, if it is still running).
func (s *Scheduler) Release(p *Pending) {
	s.mu.Lock()
	p.refs--
	last := p.refs == 0
	if last && s.builds[p.key] == p {
		delete(s.builds, p.key)
	}
	s.mu.Unlock()
	if !last {
		return
	}
	select {
	case <-p.done:
		p.removeOutput()
	default:
		go func() { <-p.done; p.removeOutput() }()
	}
}

// buildDirPrefix names this process in its build directories, so a later
// process can tell which ones were left by a process that has exited.
func buildDirPrefix() string { return fmt.Sprintf("lift-build-%d-", os.Getpid()) }

// sweepStaleBuildDirs removes build directories left in dir by processes that
// exited before their builds were used: an app that defined functions and
// never synthesized (a test that only checks props), or a synth that failed.
func sweepStaleBuildDirs(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "lift-build-*-*"))
	for _, m := range matches {
		pidText, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(m), "lift-build-"), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(m)
	}
}

// processAlive reports whether pid is a running process (signal 0 probes it).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
}

func (p *Pending) removeOutput() {
	if p.opts.OutDir != "" {
		os.RemoveAll(p.opts.OutDir)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
