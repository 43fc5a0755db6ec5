package jobs

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The delay after attempt n doubles from the base up to the cap, is
// jittered within the upper half of that, in whole seconds, never zero.
func TestRetryDelay(t *testing.T) {
	low := func(int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	for _, tt := range []struct {
		n             int
		base, ceiling time.Duration
		min, max      time.Duration
	}{
		{1, 10 * time.Second, 15 * time.Minute, 5 * time.Second, 10 * time.Second},
		{2, 10 * time.Second, 15 * time.Minute, 10 * time.Second, 20 * time.Second},
		{3, 10 * time.Second, 15 * time.Minute, 20 * time.Second, 40 * time.Second},
		{7, 10 * time.Second, 15 * time.Minute, 320 * time.Second, 640 * time.Second},
		{8, 10 * time.Second, 15 * time.Minute, 450 * time.Second, 900 * time.Second}, // 1280 s capped
		{1000, 10 * time.Second, 15 * time.Minute, 450 * time.Second, 900 * time.Second},
		{5, 10 * time.Second, 25 * time.Second, 13 * time.Second, 25 * time.Second}, // 12.5 s rounds to 13
		{1, 100 * time.Millisecond, time.Minute, time.Second, time.Second},          // never under a second
		{3, 12 * time.Hour, 12 * time.Hour, 6 * time.Hour, 12 * time.Hour},
	} {
		if got := retryDelay(tt.n, tt.base, tt.ceiling, low); got != tt.min {
			t.Errorf("attempt %d, base %s, cap %s: lowest delay %s, want %s", tt.n, tt.base, tt.ceiling, got, tt.min)
		}
		if got := retryDelay(tt.n, tt.base, tt.ceiling, high); got != tt.max {
			t.Errorf("attempt %d, base %s, cap %s: highest delay %s, want %s", tt.n, tt.base, tt.ceiling, got, tt.max)
		}
		seen := map[time.Duration]bool{}
		for range 2000 {
			d := retryDelay(tt.n, tt.base, tt.ceiling, rand.Int64N)
			if d < tt.min || d > tt.max || d%time.Second != 0 {
				t.Fatalf("attempt %d, base %s, cap %s: delay %s, want whole seconds in [%s, %s]", tt.n, tt.base, tt.ceiling, d, tt.min, tt.max)
			}
			seen[d] = true
		}
		if spread := int((tt.max-tt.min)/time.Second) + 1; spread > 1 && len(seen) < min(spread, 100)/2 {
			t.Errorf("attempt %d, base %s: %d distinct delays in 2000 picks over %d possible: not jittered", tt.n, tt.base, len(seen), spread)
		}
	}
}
