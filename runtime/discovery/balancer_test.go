package discovery

import (
	"context"
	"math"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
)

func newBalanceClient(t *testing.T, s Strategy, weights ...int) (*Client, *fakeCloudMap) {
	t.Helper()
	r, cm, _, _ := newTestResolver(t)
	var ins []types.HttpInstanceSummary
	for i, w := range weights {
		ins = append(ins, lambdaInstance(string(rune('a'+i)), w))
	}
	cm.set("orders", ins...)
	return mustClient(t, r, WithStrategy(s), WithRandSeed(42), WithMetrics(newMetricSink().w)), cm
}

func pickCounts(t *testing.T, c *Client, n int) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for range n {
		in, err := c.Pick(context.Background(), "orders")
		if err != nil {
			t.Fatalf("Pick: %v", err)
		}
		counts[in.ID]++
	}
	return counts
}

func TestBalancing(t *testing.T) {
	const n = 100_000
	tests := []struct {
		name      string
		strategy  Strategy
		weights   []int
		want      map[string]float64 // expected share
		tolerance float64            // absolute, on the share
	}{
		{"round robin is exact", RoundRobin, []int{1, 1, 1, 1}, map[string]float64{"a": .25, "b": .25, "c": .25, "d": .25}, 0},
		{"round robin ignores weights but drops drained", RoundRobin, []int{5, 1, 0}, map[string]float64{"a": .5, "b": .5}, 0.00001},
		{"weighted random follows weights", WeightedRandom, []int{1, 2, 7}, map[string]float64{"a": .1, "b": .2, "c": .7}, 0.01},
		{"weighted random with a drained instance", WeightedRandom, []int{3, 0, 1}, map[string]float64{"a": .75, "c": .25}, 0.01},
		{"least outstanding spreads evenly when idle", LeastOutstanding, []int{1, 1, 1}, map[string]float64{"a": 1. / 3, "b": 1. / 3, "c": 1. / 3}, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newBalanceClient(t, tt.strategy, tt.weights...)
			counts := pickCounts(t, c, n)
			for id, share := range tt.want {
				got := float64(counts[id]) / n
				if math.Abs(got-share) > tt.tolerance+1e-9 {
					t.Errorf("instance %s share = %.4f, want %.4f ± %.4f (counts %v)", id, got, share, tt.tolerance, counts)
				}
			}
			for id := range counts {
				if _, ok := tt.want[id]; !ok {
					t.Errorf("instance %s picked %d times, want never", id, counts[id])
				}
			}
		})
	}
}

// Power of two choices never picks the busiest instance and favours the idle ones.
func TestLeastOutstandingAvoidsBusyInstances(t *testing.T) {
	c, _ := newBalanceClient(t, LeastOutstanding, 1, 1, 1, 1)
	if _, err := c.Pick(context.Background(), "orders"); err != nil {
		t.Fatal(err)
	}
	st, _ := c.state("orders")
	st.mu.Lock()
	st.targets["a"].outstanding.Store(50)
	st.targets["b"].outstanding.Store(10)
	st.mu.Unlock()
	counts := pickCounts(t, c, 60_000)
	if counts["a"] != 0 {
		t.Errorf("the busiest instance was picked %d times", counts["a"])
	}
	// b wins only against a (1/6 of pairs); c and d split the rest.
	if got := float64(counts["b"]) / 60_000; math.Abs(got-1./6) > 0.01 {
		t.Errorf("share of the busy instance b = %.4f, want 1/6 ± 0.01 (counts %v)", got, counts)
	}
}
