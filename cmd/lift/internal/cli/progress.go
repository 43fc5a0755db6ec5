package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// slowStep is how long a step runs before it gets progress lines.
const slowStep = time.Second

// progress prints, on stderr, a line when a step has run for a second and
// one with its duration when it ends; quick steps print nothing.
type progress struct {
	mu sync.Mutex
	w  io.Writer
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

// step runs fn as one step titled title.
func (p *progress) step(title string, fn func() error) error {
	start := time.Now()
	t := time.AfterFunc(slowStep, func() { p.printf("  %s ...\n", title) })
	err := fn()
	t.Stop()
	d := time.Since(start)
	switch {
	case err != nil:
		p.printf("  %s: failed after %s\n", title, round(d))
	case d >= slowStep:
		p.printf("  %s: done in %s\n", title, round(d))
	}
	return err
}

// round keeps a duration readable: 0.1 ms under a second, 0.1 s above.
func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(100 * time.Millisecond)
}
