package bundling

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestCheck runs real binaries under LIFT_CHECK=1: a refusal is ErrCheck with
// the handler's message, an ok answer passes, and a binary that gives no
// answer (not a Lift handler) is not an error but a note. Only the given
// environment reaches the handler.
func TestCheck(t *testing.T) {
	answer := `package main

import (
	"fmt"
	"os"
)

func main() {
	switch {
	case os.Getenv("LIFT_CHECK") != "1" || os.Getenv("PATH") != "":
		fmt.Fprintln(os.Stderr, "not checked as expected")
		os.Exit(3)
	case os.Getenv("MODE") == "ok":
		fmt.Fprintln(os.Stderr, "starting\n{\"lift\":\"check\",\"ok\":true}")
	default:
		fmt.Fprintln(os.Stderr, "{\"lift\":\"check\",\"ok\":false,\"error\":\"handler func(int, int) is not supported\"}")
		os.Exit(1)
	}
}
`
	mod := writeTree(t, map[string]string{"go.mod": "module example.com/k\n\ngo 1.26\n", "main.go": answer})
	e, err := ResolveEntry(mod, runtime.GOARCH)
	must(t, err)
	b := &Batch{ModuleDir: mod, GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Entries: []Entry{e}, OutDir: t.TempDir(), Progress: &bytes.Buffer{}}
	_, err = b.Run(context.Background())
	must(t, err)
	bin := b.Output(e)

	if res, err := Check(context.Background(), bin, map[string]string{"MODE": "ok"}); err != nil || !res.Answered {
		t.Errorf("ok answer: %+v, %v", res, err)
	}
	if _, err := Check(context.Background(), bin, nil); !errors.Is(err, ErrCheck) || !strings.Contains(err.Error(), "func(int, int) is not supported") {
		t.Errorf("refusal: err = %v, want ErrCheck with the handler's message", err)
	}
	t.Setenv("PATH", "/usr/bin") // must not reach the handler: it would answer nothing and exit 3
	res, err := Check(context.Background(), "/bin/true", nil)
	if err != nil || res.Answered || !strings.Contains(res.Note, "without a LIFT_CHECK answer") {
		t.Errorf("no answer: %+v, %v; want a note, no error", res, err)
	}
}
