package bundling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/liftcdk/lift/internal/contract"
)

// JobsEnv bounds how many `go build` invocations run at once (one per module
// and architecture). Default: 1, since each one already compiles on every
// core; more trades memory for overlap between architectures.
const JobsEnv = "LIFT_BUILD_JOBS"

// OutDirName is the directory of the assembly (cdk.out) where the built
// binaries are kept between synths, so that the go command relinks only what
// changed.
const OutDirName = "lift-build"

// Scheduler collects the handlers of a cloud assembly as they are defined and
// builds them together when the first of them is needed at synth: one
// `go build` per module and architecture (see PlanBatches), at most Jobs at
// once.
type Scheduler struct {
	sem chan struct{}
	// run runs one batch; (*Batch).Run except in tests.
	run func(*Batch, context.Context) (Result, error)

	mu      sync.Mutex
	builds  map[buildKey]*Pending
	queued  map[string][]*Pending // per group, not started yet
	batches int
}

type buildKey struct{ group, dir, goos, goarch string }

// Batches is how many `go build` invocations this scheduler has started.
func (s *Scheduler) Batches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches
}

// NewScheduler returns a scheduler running at most jobs builds at once
// (jobs < 1 means 1).
func NewScheduler(jobs int) *Scheduler {
	if jobs < 1 {
		jobs = 1
	}
	return &Scheduler{sem: make(chan struct{}, jobs), run: (*Batch).Run,
		builds: map[buildKey]*Pending{}, queued: map[string][]*Pending{}}
}

var (
	defaultOnce      sync.Once
	defaultScheduler *Scheduler
	defaultErr       error
)

// DefaultScheduler is the process-wide scheduler, sized by $LIFT_BUILD_JOBS
// (default 1). A bad $LIFT_BUILD_JOBS is an error naming the variable.
func DefaultScheduler() (*Scheduler, error) {
	defaultOnce.Do(func() {
		v, _ := os.LookupEnv(JobsEnv)
		var jobs int
		if jobs, defaultErr = jobsFrom(v, 1); defaultErr == nil {
			defaultScheduler = NewScheduler(jobs)
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
		return 0, fmt.Errorf("%w: %s=%q is not a positive whole number; set it to how many go build invocations may run at once, or unset it for %d",
			ErrBuildJobs, JobsEnv, v, def)
	}
	return n, nil
}

// ErrBuildJobs is returned for a bad $LIFT_BUILD_JOBS.
var ErrBuildJobs = errors.New("bad handler build parallelism")

// Pending is one handler's build, queued, running or done.
type Pending struct {
	key    buildKey
	entry  Entry
	label  string // the first function's construct path, for messages
	done   chan struct{}
	output string // the built binary, once done without error
	err    error
}

// Add queues the build of entry for GOOS/GOARCH in group (the cloud assembly
// directory: builds are shared within one synth) and returns at once; the
// build starts when any handler of group is first waited for. The same entry
// and target added twice is one build.
func (s *Scheduler) Add(group string, entry Entry, goos, goarch, label string) *Pending {
	key := buildKey{group: group, dir: entry.Dir, goos: goos, goarch: goarch}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.builds[key]; ok {
		return p
	}
	p := &Pending{key: key, entry: entry, label: label, done: make(chan struct{})}
	s.builds[key] = p
	s.queued[group] = append(s.queued[group], p)
	return p
}

// Wait starts the builds of p's group that have not started (all at once, so
// they share one go build per module and target), then waits for p's.
func (s *Scheduler) Wait(p *Pending) error {
	s.flush(p.key.group)
	<-p.done
	return p.err
}

// Output is p's built binary; valid after Wait returned nil.
func (p *Pending) Output() string { return p.output }

// flush plans and starts the queued builds of group.
func (s *Scheduler) flush(group string) {
	s.mu.Lock()
	queued := s.queued[group]
	delete(s.queued, group)
	s.mu.Unlock()
	if len(queued) == 0 {
		return
	}
	type target struct{ goos, goarch string }
	byTarget := map[target][]*Pending{}
	var order []target
	for _, p := range queued {
		t := target{p.key.goos, p.key.goarch}
		if byTarget[t] == nil {
			order = append(order, t)
		}
		byTarget[t] = append(byTarget[t], p)
	}
	root := group
	if root == "" {
		root = os.TempDir()
	}
	root = filepath.Join(root, OutDirName)
	for _, t := range order {
		ps := byTarget[t]
		entries := make([]Entry, len(ps))
		for i, p := range ps {
			entries[i] = p.entry
		}
		for _, b := range PlanBatches(entries, t.goos, t.goarch, root) {
			var members []*Pending
			for _, p := range ps {
				for _, e := range b.Entries {
					if e.Dir == p.entry.Dir {
						members = append(members, p)
					}
				}
			}
			s.mu.Lock()
			s.batches++
			s.mu.Unlock()
			go s.runBatch(b, members)
		}
	}
}

// runBatch waits for a slot, builds, and hands each member its binary or the
// batch's error.
func (s *Scheduler) runBatch(b *Batch, members []*Pending) {
	s.sem <- struct{}{}
	_, err := s.run(b, context.Background())
	<-s.sem
	for _, p := range members {
		if err != nil {
			p.err = err
		} else {
			p.output = b.Output(p.entry)
		}
		close(p.done)
	}
}

// CopyTo copies p's built binary into dir as the function's bootstrap.
func (p *Pending) CopyTo(dir string) error {
	dst := filepath.Join(dir, contract.BootstrapName)
	if err := copyFile(p.output, dst); err != nil {
		return fmt.Errorf("%w for %s: copy %s to %s: %v", ErrBuild, p.label, p.output, dst, err)
	}
	return nil
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
