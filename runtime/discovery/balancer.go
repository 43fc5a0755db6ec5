package discovery

import (
	"sync/atomic"
)

// Strategy is how the Client picks among a service's instances.
type Strategy int

const (
	// RoundRobin cycles through the instances in order (weights ignored except 0).
	RoundRobin Strategy = iota
	// WeightedRandom picks at random in proportion to each instance's
	// LIFT_WEIGHT attribute (Instance.Weight).
	WeightedRandom
	// LeastOutstanding is power-of-two-choices: of two random instances, the
	// one with fewer calls in flight from this process.
	LeastOutstanding
)

func (s Strategy) String() string {
	switch s {
	case RoundRobin:
		return "round-robin"
	case WeightedRandom:
		return "weighted-random"
	case LeastOutstanding:
		return "least-outstanding"
	}
	return "unknown"
}

// target is this client's state for one instance id. It outlives
// instance-set refreshes so breaker state and in-flight counts carry over.
type target struct {
	breaker     *breaker
	outstanding atomic.Int64
	// openUntil mirrors the breaker's open state (unix nanos) so picking reads
	// one atomic instead of taking the breaker's mutex.
	openUntil atomic.Int64
}

func newTarget(p BreakerPolicy, clk Clock, service, instanceID string) *target {
	t := &target{}
	t.breaker = newBreaker(p, service, instanceID, func(to BreakerState) {
		if to == BreakerOpen {
			t.openUntil.Store(clk.Now().Add(p.OpenTimeout).UnixNano())
		} else {
			t.openUntil.Store(0)
		}
	})
	return t
}

// open reports whether the breaker refuses calls now; once the open timeout
// passes the breaker itself moves to half-open on the next Allow. The clock
// is read only for a breaker that has opened.
func (t *target) open(now *lazyNow) bool {
	u := t.openUntil.Load()
	return u != 0 && now.get() < u
}

// lazyNow reads the clock at most once per pick, and only if asked.
type lazyNow struct {
	clk Clock
	ns  int64 // unix nanos; 0 until read
}

func (l *lazyNow) get() int64 {
	if l.ns == 0 {
		l.ns = l.clk.Now().UnixNano()
	}
	return l.ns
}

// slot pairs an instance of the current Set with its target.
type slot struct {
	inst *Instance
	t    *target
}

// view is the pickable form of one Set: drained (weight 0) instances removed,
// cumulative weights precomputed. Immutable.
type view struct {
	set   *Set
	slots []slot
	cum   []int // cum[i] = sum of weights of slots[0..i]
}

func (v *view) total() int { return v.cum[len(v.cum)-1] }

// choose returns the index of the next candidate by strategy.
func (v *view) choose(s Strategy, rr *atomic.Uint64, intn func(int) int) int {
	n := len(v.slots)
	if n == 1 {
		return 0
	}
	switch s {
	case WeightedRandom:
		r := intn(v.total())
		lo, hi := 0, n-1 // first i with cum[i] > r
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if v.cum[mid] > r {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo
	case LeastOutstanding:
		a := intn(n)
		b := intn(n - 1)
		if b >= a {
			b++
		}
		if v.slots[b].t.outstanding.Load() < v.slots[a].t.outstanding.Load() {
			return b
		}
		return a
	default:
		return int((rr.Add(1) - 1) % uint64(n))
	}
}

// pick returns a slot whose breaker is not open, preferring one other than
// avoid (the instance that just failed). It returns false when every breaker is open.
func (v *view) pick(s Strategy, rr *atomic.Uint64, intn func(int) int, avoid *target, now *lazyNow) (slot, bool) {
	n := len(v.slots)
	for try := 0; try < n; try++ {
		sl := v.slots[v.choose(s, rr, intn)]
		if (sl.t != avoid || n == 1) && !sl.t.open(now) {
			return sl, true
		}
	}
	// The strategy kept landing on unusable instances: scan from a random start.
	start := intn(n)
	var fallback slot
	found := false
	for i := range n {
		sl := v.slots[(start+i)%n]
		if sl.t.open(now) {
			continue
		}
		if sl.t != avoid {
			return sl, true
		}
		fallback, found = sl, true
	}
	return fallback, found
}
