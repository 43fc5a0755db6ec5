package valkeycache_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/metrics"
)

// hangingServer accepts connections on addr and never answers, as a wedged
// node does: the dial succeeds, the handshake never completes.
type hangingServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
}

func hang(t *testing.T, addr string) *hangingServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	h := &hangingServer{ln: ln, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, c) }() // read, never write
		}
	}()
	return h
}

func (h *hangingServer) close() {
	_ = h.ln.Close()
	<-h.done
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		_ = c.Close()
	}
}

// Every L2 call ends within the tier bound when the server hangs, in single
// and in cluster mode (ElastiCache Serverless), whatever valkey-go does inside
// (in cluster mode it refreshes the slot map with a dial that ignores the
// call's context); and the tier recovers when a real server returns.
func TestCallsEndWithinTheBoundWhenTheServerHangs(t *testing.T) {
	for _, cluster := range []bool{false, true} {
		name := map[bool]string{false: "single", true: "cluster"}[cluster]
		t.Run(name, func(t *testing.T) {
			r := testsvc.Redis(t, testsvc.RedisOptions{Binary: "valkey-server", Cluster: cluster})
			l2 := connect(t, r, cluster)
			// limit is generous for a loaded machine, and still far below the
			// 5s dial timeout a call used to wait for.
			const bound, limit = 100 * time.Millisecond, time.Second
			tc := tiered(t, l2, metrics.New(io.Discard, "Test"), cache.WithTimeout(bound))
			ctx := context.Background()
			if err := tc.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
				t.Fatal(err)
			}

			r.Stop(t)
			h := hang(t, r.Addr)
			ops := map[string]func() error{
				"Get": func() error {
					_ = tc.Memory().Delete(ctx, "k")
					_, err := tc.Get(ctx, "k")
					return err
				},
				"Set":    func() error { return tc.Set(ctx, "k", []byte("v"), time.Minute) },
				"Delete": func() error { return tc.Delete(ctx, "k") },
			}
			for round := range 15 {
				for op, call := range ops {
					start := time.Now()
					err := call()
					if took := time.Since(start); took > limit {
						t.Errorf("round %d: %s took %v with a hanging server, want at most %v (the %v tier bound, with room for a loaded machine)",
							round, op, took, limit, bound)
					}
					if op == "Get" && !errors.Is(err, cache.ErrNotFound) {
						t.Errorf("round %d: Get = %v, want a miss (fail open)", round, err)
					}
				}
			}
			h.close()

			r.Start(t)
			deadline := time.Now().Add(15 * time.Second)
			for {
				err := tc.Set(ctx, "k", []byte("back"), time.Minute)
				_ = tc.Memory().Delete(ctx, "k")
				got, gerr := tc.Get(ctx, "k")
				if err == nil && gerr == nil && string(got) == "back" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no L2 hit within 15s of the server's return: set %v, get %q %v", err, got, gerr)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
