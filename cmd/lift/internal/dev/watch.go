package dev

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long the watcher waits after the last change before it
// rebuilds: an editor's save is often several events (write, rename, chmod).
const debounce = 80 * time.Millisecond

// watcher rebuilds the services whose packages changed.
type watcher struct {
	dev *Dev
	fs  *fsnotify.Watcher
	mu  sync.Mutex
	// deps holds, per service, the folders of the packages its main
	// package imports from the watched tree (go list -deps).
	deps map[*service][]string
	root string
}

func newWatcher(ctx context.Context, d *Dev) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch sources: %w", err)
	}
	root, err := moduleRoot(ctx, d.App)
	if err != nil {
		return nil, err
	}
	w := &watcher{dev: d, fs: fw, deps: map[*service][]string{}, root: root}
	if err := w.addTree(root); err != nil {
		fw.Close()
		return nil, err
	}
	for _, s := range d.services {
		w.refreshDeps(ctx, s)
	}
	return w, nil
}

func (w *watcher) close() { _ = w.fs.Close() }

// moduleRoot is the folder of the go.mod the app's packages belong to.
func moduleRoot(ctx context.Context, app string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOMOD")
	cmd.Dir = app
	out, err := cmd.Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == "/dev/null" {
		return "", fmt.Errorf("%s is not inside a Go module (go env GOMOD: %q, %v)", app, gomod, err)
	}
	return filepath.Dir(gomod), nil
}

// skipDir is a folder no handler's build reads.
func skipDir(name string) bool {
	return name == "testdata" || name == "cdk.out" || name == "node_modules" || name == "vendor" ||
		(strings.HasPrefix(name, ".") && name != ".") || strings.HasPrefix(name, "_")
}

// relevant is a file whose change can change a build: Go sources other
// than tests, go.mod and go.sum, embedded files; not editor temp files.
func (w *watcher) relevant(path string) bool {
	rel, err := filepath.Rel(w.root, path)
	if err != nil {
		return false
	}
	name := filepath.Base(rel)
	switch {
	case strings.HasSuffix(name, "_test.go"), strings.HasSuffix(name, "~"),
		strings.HasPrefix(name, ".#"), strings.HasPrefix(name, "#"), strings.HasPrefix(name, "."),
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".tmp"),
		name == "4913": // vim's write test
		return false
	}
	for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(rel)), "/") {
		if part != "." && skipDir(part) {
			return false
		}
	}
	return true
}

func (w *watcher) addTree(root string) error {
	return filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return nil // a folder removed while walking: nothing to watch
		}
		if p != root && skipDir(e.Name()) {
			return filepath.SkipDir
		}
		return w.fs.Add(p)
	})
}

// refreshDeps records the folders of s's packages inside the watched tree.
func (w *watcher) refreshDeps(ctx context.Context, s *service) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", "{{.Dir}}", s.fn.Pkg)
	cmd.Dir = w.dev.App
	out, err := cmd.Output()
	if err != nil {
		return // a broken package: keep the previous set (or rebuild on any change)
	}
	var dirs []string
	for _, d := range strings.Fields(string(out)) {
		if strings.HasPrefix(d, w.root+string(filepath.Separator)) || d == w.root {
			dirs = append(dirs, d)
		}
	}
	w.mu.Lock()
	w.deps[s] = dirs
	w.mu.Unlock()
}

// affected returns the services that a change of the files in changed
// rebuilds: those importing a changed folder's package; every service when
// go.mod or go.sum changed, or when a service's packages are unknown.
func (w *watcher) affected(changed map[string]bool) []*service {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*service
	for _, s := range w.dev.services {
		deps, known := w.deps[s]
		for f := range changed {
			base := filepath.Base(f)
			if !known || base == "go.mod" || base == "go.sum" || slices.Contains(deps, filepath.Dir(f)) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// run watches until ctx ends.
func (w *watcher) run(ctx context.Context) {
	changed := map[string]bool{}
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := statDir(ev.Name); err == nil && fi {
					_ = w.addTree(ev.Name)
				}
			}
			if !w.relevant(ev.Name) || ev.Op == fsnotify.Chmod {
				continue
			}
			changed[ev.Name] = true
			fire = time.After(debounce)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			fmt.Fprintln(w.dev.Stderr, "lift dev: watching sources:", err)
		case <-fire:
			fire = nil
			w.rebuild(ctx, changed)
			changed = map[string]bool{}
		}
	}
}

func (w *watcher) rebuild(ctx context.Context, changed map[string]bool) {
	var names []string
	for f := range changed {
		if rel, err := filepath.Rel(w.root, f); err == nil {
			names = append(names, rel)
		}
	}
	slices.Sort(names)
	why := strings.Join(names, ", ")
	var wg sync.WaitGroup
	for _, s := range w.affected(changed) {
		wg.Go(func() {
			if s.reload(ctx, why) == nil {
				w.refreshDeps(ctx, s) // its imports may have changed
			}
		})
	}
	wg.Wait()
}

func statDir(p string) (bool, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	return fi.IsDir(), nil
}
