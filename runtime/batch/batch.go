// Package batch runs queue and stream batches one record at a time and
// reports partial batch failures, so Lambda retries only what failed (the
// event source mapping must enable ReportBatchItemFailures).
//
//	lift.Start(batch.SQS(func(ctx context.Context, m events.SQSMessage) error {
//		return handle(ctx, m.Body)
//	}))
//
// Order is kept where the source promises it: messages of one SQS FIFO
// message group run one after another, as do the records of a Kinesis or
// DynamoDB Streams batch (which come from one shard); everything else runs
// concurrently, at most WithConcurrency records at once. When a record fails
// in an ordered group, the rest of that group is not run and is reported
// failed too, so a retry keeps the order. A record fails when its function
// returns an error or panics (the panic is recovered and logged; other
// records are unaffected), and records not started before the invocation's
// deadline are reported failed rather than lost.
package batch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// DefaultConcurrency bounds how many records (or ordered groups) run at once.
const DefaultConcurrency = 10

// ErrInvalidEvent reports a batch Lambda's partial failure response cannot
// describe (a record without its identifier). The handler then returns the
// error, so Lambda retries the whole batch rather than drop a record.
var ErrInvalidEvent = errors.New("batch: invalid event")

// Option configures a batch handler.
type Option func(*options)

type options struct {
	concurrency int
	logger      *slog.Logger
}

// WithConcurrency bounds how many records run at once. Default
// DefaultConcurrency; values below 1 mean 1.
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = max(n, 1) } }

// WithLogger logs failed records to l. Default slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

func buildOptions(opts []Option) options {
	o := options{concurrency: DefaultConcurrency}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

func (o options) log() *slog.Logger {
	if o.logger != nil {
		return o.logger
	}
	return slog.Default()
}

// record is one item of a batch as the runner sees it.
type record struct {
	id    string // the item identifier Lambda's failure response names
	group string // records sharing a non-empty group run in order
}

// run runs fn for every record, ordered within groups and concurrent across
// them, and returns the identifiers of the failed and unprocessed records in
// batch order.
func run(ctx context.Context, source string, recs []record, fn func(ctx context.Context, i int) error, o options) ([]string, error) {
	for i, r := range recs {
		if r.id == "" {
			return nil, fmt.Errorf("%w: %s record %d has no identifier, so a partial failure could not name it; failing the whole batch", ErrInvalidEvent, source, i)
		}
	}
	failed := make([]bool, len(recs))
	runGroup := func(indices []int) {
		for n, i := range indices {
			if ctx.Err() != nil {
				markAll(failed, indices[n:])
				return
			}
			if err := runOne(ctx, fn, i); err != nil {
				o.log().ErrorContext(ctx, "batch: record failed", "source", source, "id", recs[i].id, "error", err)
				markAll(failed, indices[n:])
				return
			}
		}
	}
	// A fixed pool of workers takes groups in batch order: no goroutine per
	// record, and none at all when one worker is enough.
	gs := groups(recs)
	next := atomic.Int64{}
	work := func() {
		for g := int(next.Add(1)) - 1; g < len(gs); g = int(next.Add(1)) - 1 {
			runGroup(gs[g])
		}
	}
	if workers := min(o.concurrency, len(gs)); workers <= 1 {
		work()
	} else {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(work)
		}
		wg.Wait()
	}
	var ids []string
	for i, f := range failed {
		if f {
			ids = append(ids, recs[i].id)
		}
	}
	return ids, nil
}

// groups returns record indices by ordered group, in batch order; a record
// without a group is a group of its own.
func groups(recs []record) [][]int {
	var out [][]int
	at := map[string]int{}
	for i, r := range recs {
		if r.group == "" {
			out = append(out, []int{i})
			continue
		}
		if g, ok := at[r.group]; ok {
			out[g] = append(out[g], i)
			continue
		}
		at[r.group] = len(out)
		out = append(out, []int{i})
	}
	return out
}

func markAll(failed []bool, indices []int) {
	for _, i := range indices {
		failed[i] = true
	}
}

// runOne runs one record, turning a panic into that record's failure.
func runOne(ctx context.Context, fn func(ctx context.Context, i int) error, i int) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(ctx, i)
}
