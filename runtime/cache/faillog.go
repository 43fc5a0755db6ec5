package cache

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// logLimiter logs at most one L2 failure per interval, so an outage under load
// writes one line per interval with the count of failures it stands for, not
// one line per request.
type logLimiter struct {
	every      time.Duration
	logger     *slog.Logger // nil: slog.Default() when logging, so lift.Start's JSON logger is used
	tier       string
	next       atomic.Int64 // unix nanos before which failures are only counted
	suppressed atomic.Int64
}

func (l *logLimiter) log(op, key string, err error) {
	now := time.Now().UnixNano()
	next := l.next.Load()
	if now < next || !l.next.CompareAndSwap(next, now+int64(l.every)) {
		l.suppressed.Add(1)
		return
	}
	logger := l.logger
	if logger == nil { // resolved now, not at init: the cache is often built before lift.Start sets the default
		logger = slog.Default()
	}
	logger.Warn("cache tier unavailable, failing open",
		slog.String("tier", l.tier), slog.String("op", op),
		slog.String("error", redactKey(err.Error(), key)), slog.Int64("suppressed", l.suppressed.Swap(0)))
}
