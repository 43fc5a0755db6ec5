package warmer

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/liftcdk/lift/internal/contract"
)

// minWaveWindow is the least time, beyond the hold, a wave needs before the
// deadline to be worth starting.
const minWaveWindow = 200 * time.Millisecond

// waveOutcome counts one wave's answers.
type waveOutcome struct {
	ids      []string
	failures map[failure]int
}

// warmTarget sends waves of t.Concurrency overlapping invokes until that many
// distinct environments answered, the waves run out, a wave was throttled or
// the deadline is near.
func (w *Warmer) warmTarget(ctx context.Context, sem *semaphore.Weighted, s settings, round string, t Target) TargetReport {
	r := TargetReport{Name: t.Name, Asked: t.Concurrency}
	seen := make(map[string]struct{}, t.Concurrency)
	failures := map[failure]int{}
	hold := s.hold
	waves := 0
	for ; waves < w.maxWaves && len(seen) < t.Concurrency; waves++ {
		if waves > 0 {
			// Reuse means some invokes did not overlap: hold longer.
			hold = min(2*hold, contract.MaxWarmupHold)
		}
		if time.Until(s.deadline) < hold+minWaveWindow && waves > 0 {
			break
		}
		if err := sem.Acquire(ctx, int64(t.Concurrency)); err != nil {
			break // deadline reached while queued
		}
		out := w.wave(ctx, s, round, hold, t)
		sem.Release(int64(t.Concurrency))
		r.Attempts += t.Concurrency
		for _, id := range out.ids {
			seen[id] = struct{}{}
		}
		for f, n := range out.failures {
			failures[f] += n
			r.Failed += n
		}
		if out.failures[failThrottled] > 0 {
			break // the concurrency limit is reached: more invokes add no environment
		}
	}
	r.Warmed = len(seen)
	w.log(ctx, r, waves, failures)
	return r
}

// wave sends n overlapping invokes and collects their instance ids.
func (w *Warmer) wave(ctx context.Context, s settings, round string, hold time.Duration, t Target) waveOutcome {
	payload := warmupPayload(hold, round, t.Token)
	timeout := hold + w.initAllowance
	out := waveOutcome{failures: map[failure]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range t.Concurrency {
		wg.Go(func() {
			ictx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			id, f := w.invoke(ictx, t.ARN, payload)
			mu.Lock()
			defer mu.Unlock()
			if f != failNone {
				out.failures[f]++
				return
			}
			out.ids = append(out.ids, id)
		})
	}
	wg.Wait()
	return out
}

func (w *Warmer) log(ctx context.Context, r TargetReport, waves int, failures map[failure]int) {
	level := slog.LevelInfo
	if r.Warmed < r.Asked {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("target", r.Name), slog.Int("asked", r.Asked), slog.Int("warmed", r.Warmed),
		slog.Int("failed", r.Failed), slog.Int("attempts", r.Attempts), slog.Int("waves", waves),
	}
	for f, n := range failures {
		attrs = append(attrs, slog.Int(f.String(), n))
	}
	w.logger.LogAttrs(ctx, level, "warmer target", attrs...)
}
