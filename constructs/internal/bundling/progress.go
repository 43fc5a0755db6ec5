package bundling

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressEvery is how often a running build says how far it got. A build
// that ends sooner prints only its result line, so a quick compile error is
// the first thing a user reads.
const progressEvery = 10 * time.Second

// goOutput reads the go command's combined output line by line as it is
// written: with -v each compiled package is a line of its own (counted, not
// echoed), "go: downloading" lines are passed on as they come, and the rest
// is the compiler's message.
type goOutput struct {
	progress io.Writer
	what     string

	mu       sync.Mutex
	partial  []byte
	packages int
	msg      strings.Builder
}

func newGoOutput(progress io.Writer, what string) *goOutput {
	return &goOutput{progress: progress, what: what}
}

func (o *goOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		o.line(string(o.partial[:i]))
		o.partial = o.partial[i+1:]
	}
}

func (o *goOutput) line(l string) {
	switch {
	case isPackageLine(l):
		o.packages++
	case strings.HasPrefix(l, "go: downloading "):
		fmt.Fprintf(o.progress, "lift: %s\n", l)
	default:
		o.msg.WriteString(l)
		o.msg.WriteByte('\n')
	}
}

// isPackageLine reports whether l is an import path as -v prints it. Compiler
// messages have a position ("file.go:3:2:"), a "# pkg" header or spaces.
func isPackageLine(l string) bool {
	return l != "" && !strings.ContainsAny(l, " :#\t")
}

func (o *goOutput) compiled() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.packages
}

// message is the go command's output without package lines.
func (o *goOutput) message() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.TrimSpace(o.msg.String() + string(o.partial))
}

// tick prints a progress line every progressEvery until the returned stop is
// called.
func (o *goOutput) tick(start time.Time) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				fmt.Fprintf(o.progress, "lift: building %s... %s, %d packages compiled\n",
					o.what, now.Sub(start).Round(time.Second), o.compiled())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
