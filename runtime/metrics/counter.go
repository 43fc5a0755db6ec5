package metrics

import "sync/atomic"

// Counter accumulates a Count metric between flushes. Add is atomic and does
// not allocate, so it is fit for hot paths such as cache hits.
type Counter struct {
	v          atomic.Int64
	dirty      *atomic.Bool // the writer's: set on Add so Flush knows to look
	name       string
	definition []byte // pre-rendered {"Name":..,"Unit":"Count"}
	valueKey   []byte // pre-rendered ,"Name":
}

// Add adds n to the counter.
func (c *Counter) Add(n int64) {
	c.v.Add(n)
	if !c.dirty.Load() { // a read in the common case keeps the line shared across cores
		c.dirty.Store(true)
	}
}

// Name returns the metric name.
func (c *Counter) Name() string { return c.name }

// dimensionSet groups the counters that share one set of dimensions, with the
// parts of their EMF line rendered once.
type dimensionSet struct {
	dims      []Dimension
	directive []byte
	values    []byte
	counters  []*Counter
	pending   []pendingValue // scratch for Flush, reused
}

type pendingValue struct {
	c *Counter
	v int64
}
