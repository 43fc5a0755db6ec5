package dynamocache_test

import (
	"os"
	"sync"
	"testing"
)

// packageTB keeps a server started by the first test that needs it alive for
// the whole package run; TestMain runs its cleanups (stopping the server)
// after the last test.
type packageTB struct{ testing.TB }

var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func (p *packageTB) Cleanup(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func (p *packageTB) TempDir() string {
	d, err := os.MkdirTemp("", "dynamocache-test-")
	if err != nil {
		p.TB.Fatal(err)
	}
	p.Cleanup(func() { _ = os.RemoveAll(d) })
	return d
}

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupMu.Lock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanupMu.Unlock()
	os.Exit(code)
}
