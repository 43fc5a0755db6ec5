package lift

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/metrics"
)

// ErrShutdownAbandoned is returned (wrapped) by Shutdown when a hook did not
// finish within the budget.
var ErrShutdownAbandoned = errors.New("lift: shutdown hook abandoned")

// Shutdown runs the OnShutdown hooks once, last-registered-first, under one
// deadline: the shutdown budget, or ctx's deadline if sooner. Later calls
// return the first call's result. It returns the hooks' errors joined, and
// ErrShutdownAbandoned for hooks that overran.
//
// Each hook is started in order and waited for up to a fair share of the time
// left (time left / hooks not yet started). A hook that overruns its share is
// not killed (Go cannot) but no longer waited for: the next hook starts, so a
// hanging hook cannot starve the ones registered before it. Hooks still
// running when the whole budget is spent are abandoned and logged. Metrics
// are flushed at the end.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.shutdownOnce.Do(func() { h.shutdownErr = h.runShutdown(ctx) })
	return h.shutdownErr
}

type hookResult struct {
	idx int
	err error
	dur time.Duration
}

func (h *Handler) runShutdown(ctx context.Context) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, h.shutdownBudget)
	defer cancel()
	deadline, _ := ctx.Deadline()
	log := Logger(ctx)
	n := len(h.shutdownHooks)
	results := make(chan hookResult, n) // buffered: abandoned hooks can finish and exit
	running := make(map[int]time.Time, n)
	var errs []error
	collect := func(r hookResult) {
		delete(running, r.idx)
		name := h.shutdownHooks[r.idx].name
		if r.err != nil {
			errs = append(errs, fmt.Errorf("shutdown hook %q: %w", name, r.err))
			log.Error("lift: shutdown hook failed", "hook", name, "durationMs", ms(r.dur), "error", r.err.Error())
			return
		}
		log.Info("lift: shutdown hook done", "hook", name, "durationMs", ms(r.dur))
	}

	for started := 0; started < n; started++ {
		i := n - 1 - started // last registered first
		hk := h.shutdownHooks[i]
		running[i] = time.Now()
		go func() {
			t0 := time.Now()
			err := callHook(ctx, hk)
			results <- hookResult{i, err, time.Since(t0)}
		}()
		share := time.Until(deadline) / time.Duration(n-started)
		timer := time.NewTimer(share)
	wait:
		for {
			select {
			case r := <-results:
				collect(r)
				if r.idx == i {
					timer.Stop()
					break wait
				}
			case <-timer.C:
				log.Warn("lift: shutdown hook overran its share of the budget; starting the next hook while it continues",
					"hook", hk.name, "shareMs", ms(share))
				break wait
			}
		}
	}
	// Give hooks that overran their share whatever budget is left.
	for len(running) > 0 {
		select {
		case r := <-results:
			collect(r)
			continue
		case <-ctx.Done():
		}
		break
	}
	for i, since := range running {
		name := h.shutdownHooks[i].name
		errs = append(errs, fmt.Errorf("%w: %q did not finish within the %v shutdown budget", ErrShutdownAbandoned, name, h.shutdownBudget))
		log.Error("lift: shutdown hook abandoned: it did not finish within the budget", "hook", name,
			"runningMs", ms(time.Since(since)), "budgetMs", ms(h.shutdownBudget))
		h.shutdownAbandoned.Add(1)
	}
	total := time.Since(start)
	h.metrics.Emit([]metrics.Dimension{h.service}, contract.MetricShutdownDuration, metrics.Milliseconds, ms(total))
	h.flush()
	log.Info("lift: shutdown complete", "durationMs", ms(total), "hooks", n, "abandoned", len(running))
	return errors.Join(errs...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
