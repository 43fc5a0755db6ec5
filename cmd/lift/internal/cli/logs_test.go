package cli

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestTailFileFollow: --follow prints what is there, then lines appended
// later (a line still being written waits for its newline), until ctx ends.
func TestTailFileFollow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fn.log")
	if err := os.WriteFile(path, []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	emit := func(raw string, _ time.Time) { mu.Lock(); got = append(got, raw); mu.Unlock() }
	lines := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tailFile(ctx, path, true, emit) }()

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, _ = f.WriteString("tw")
	time.Sleep(3 * pollEvery)
	_, _ = f.WriteString("o\nthree\n")
	deadline := time.Now().Add(5 * time.Second)
	for len(lines()) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g := lines(); len(g) != 3 || g[0] != "one\n" || g[1] != "two\n" || g[2] != "three\n" {
		t.Fatalf("followed %q, want one, two, three as whole lines", g)
	}
}
