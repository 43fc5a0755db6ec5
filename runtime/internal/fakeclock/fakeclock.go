// Package fakeclock is a settable clock for tests of runtime code that takes
// a Clock (discovery, cloudmaphealth). Safe for concurrent use.
package fakeclock

import (
	"sync"
	"time"
)

// Clock reads the time it was set to; Advance moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock reading start.
func New(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
