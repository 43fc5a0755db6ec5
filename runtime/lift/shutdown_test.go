package lift

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// recorder records the order in which hooks ran to completion.
type recorder struct {
	mu    sync.Mutex
	order []string
}

func (r *recorder) hook(name string) func(context.Context) error {
	return func(context.Context) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.order = append(r.order, name)
		return nil
	}
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.order)
}

func TestShutdownRunsHooksLastRegisteredFirst(t *testing.T) {
	var rec recorder
	te := newTestHandler(t, nil, neverCalled(t),
		OnShutdown("close-db", rec.hook("close-db")),
		OnShutdown("flush-cache", rec.hook("flush-cache")),
		OnShutdown("stop-tracer", rec.hook("stop-tracer")),
	)
	if err := te.h.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := rec.got(); !slices.Equal(got, []string{"stop-tracer", "flush-cache", "close-db"}) {
		t.Fatalf("order %v", got)
	}
	// Once only.
	if err := te.h.Shutdown(context.Background()); err != nil || len(rec.got()) != 3 {
		t.Fatal("Shutdown must run the hooks once")
	}
	if l := te.logs.logsWith(t, "shutdown complete"); len(l) != 1 {
		t.Fatalf("want a completion log line: %s", te.logs.String())
	}
	if !strings.Contains(te.metrics.String(), contract.MetricShutdownDuration) {
		t.Fatal("ShutdownDuration must be emitted")
	}
}

func TestShutdownAbandonsHangingHookAndRunsTheRest(t *testing.T) {
	var rec recorder
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hangSawCancel := make(chan struct{})
	te := newTestHandler(t, nil, neverCalled(t),
		WithShutdownBudget(300*time.Millisecond),
		OnShutdown("first-registered", rec.hook("first-registered")),
		OnShutdown("failing", func(context.Context) error { return errors.New("disk full") }),
		OnShutdown("hangs", func(ctx context.Context) error {
			<-ctx.Done() // sees the shared deadline pass...
			close(hangSawCancel)
			<-release // ...and still refuses to return
			return nil
		}),
		OnShutdown("last-registered", rec.hook("last-registered")),
	)
	start := time.Now()
	err := te.h.Shutdown(context.Background())
	elapsed := time.Since(start)

	if !errors.Is(err, ErrShutdownAbandoned) || !strings.Contains(err.Error(), `"hangs"`) || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("want the abandoned and the failed hook reported, got %v", err)
	}
	// The hooks registered before the hanging one still ran, in order.
	if got := rec.got(); !slices.Equal(got, []string{"last-registered", "first-registered"}) {
		t.Fatalf("hooks after the hanging one must still run: %v", got)
	}
	select {
	case <-hangSawCancel:
	case <-time.After(5 * time.Second):
		t.Fatal("the abandoned hook's context must be done once the budget is spent")
	}
	// Bounded: the budget, not the hanging hook, decides (generous slack for a loaded CI box).
	if elapsed > 5*time.Second {
		t.Fatalf("Shutdown took %v with a 300ms budget", elapsed)
	}
	if l := te.logs.logsWith(t, "shutdown hook abandoned"); len(l) != 1 || l[0]["hook"] != "hangs" || l[0]["level"] != "ERROR" {
		t.Fatalf("want one abandonment log line for hangs: %v", l)
	}
	if te.metrics.metricTotal(t, contract.MetricShutdownAbandoned) != 1 {
		t.Fatalf("ShutdownAbandoned metric: %s", te.metrics.String())
	}
}

func TestShutdownSlowHookFinishesAfterItsShareWithinBudget(t *testing.T) {
	// With 3 hooks and a 450ms budget each share is ~150ms; a hook still
	// running after its share lets the next hooks start, and still finishes
	// inside the total budget: nothing is abandoned. The slow hook waits for
	// the others to have run (not for a fixed time), so the order holds on a
	// loaded machine too.
	var rec recorder
	othersRan := make(chan struct{})
	te := newTestHandler(t, nil, neverCalled(t),
		WithShutdownBudget(contract.MaxShutdownBudget),
		OnShutdown("a", func(ctx context.Context) error {
			defer close(othersRan) // hooks run last-registered first: a is the last
			return rec.hook("a")(ctx)
		}),
		OnShutdown("b", rec.hook("b")),
		OnShutdown("slow", func(ctx context.Context) error {
			select {
			case <-othersRan:
			case <-ctx.Done():
				return ctx.Err()
			}
			return rec.hook("slow")(ctx)
		}),
	)
	if err := te.h.Shutdown(context.Background()); err != nil {
		t.Fatalf("nothing should be abandoned: %v", err)
	}
	if got := rec.got(); !slices.Equal(got, []string{"b", "a", "slow"}) {
		t.Fatalf("order %v: b and a start after slow overran its share, slow finishes later", got)
	}
	if l := te.logs.logsWith(t, "overran its share"); len(l) != 1 {
		t.Fatalf("want one overrun log line: %v", l)
	}
}

func TestShutdownFlushesPendingMetrics(t *testing.T) {
	te := newTestHandler(t, nil, neverCalled(t))
	te.h.coldStarts.Add(3) // counted but not yet flushed
	_ = te.h.Shutdown(context.Background())
	if te.metrics.metricTotal(t, contract.MetricColdStart) != 3 {
		t.Fatalf("pending counters must be flushed at shutdown: %s", te.metrics.String())
	}
}
