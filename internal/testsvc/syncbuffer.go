package testsvc

import (
	"bytes"
	"sync"
)

// SyncBuffer is a goroutine-safe bytes.Buffer for a process's or a logger's
// captured output, written and read concurrently in tests.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
