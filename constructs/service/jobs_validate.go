package service

import (
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// Lambda's limits on an SQS event source mapping and SQS's on a redrive policy.
const (
	sqsMaxBatch          = 10000
	sqsMaxBatchNoWindow  = 10 // also the most a FIFO queue's batch may hold
	maxBatchingWindowSec = 300
	minMaxConcurrency    = 2
	maxMaxConcurrency    = 1000
	maxReceiveCountLimit = 1000
	lambdaMaxTimeoutSec  = 900
)

// checkJobs refuses Jobs props Lambda, SQS or the runtime would refuse later,
// or that Lift sets itself.
func checkJobs(c *propcheck.Collector, p *Props) {
	j := p.Jobs
	if p.DynamoDBCache == nil && p.ElastiCache == nil && p.Cache == nil {
		c.Add("Jobs", propcheck.Literal("set without a cache tier"),
			"set DynamoDBCache (or ElastiCache, or Cache): job status and idempotency records live in the service's shared tier, which the function and the worker both read")
	}
	if w := j.Worker; w == nil || w.Entry == nil {
		c.Add("Jobs.Worker.Entry", propcheck.Literal("unset"), "set it to the directory of the worker's main package (it calls lift.Start(runner.Worker()))")
	} else {
		if w.ServiceName != nil && (p.ServiceName == nil || *w.ServiceName != *p.ServiceName) {
			c.Add("Jobs.Worker.ServiceName", w.ServiceName, "leave it unset: the worker shares the service's name (Props.ServiceName), so both read the same job records")
		}
		if w.Timeout != nil && seconds(w.Timeout) > lambdaMaxTimeoutSec {
			c.Add("Jobs.Worker.Timeout", w.Timeout, "use at most 15 minutes, Lambda's limit; split longer work into several jobs")
		}
		if o := w.FunctionOptions; o != nil && o.Events != nil {
			c.Add("Jobs.Worker.FunctionOptions.Events", propcheck.Literal("set"), "leave it unset: Lift maps the job queue to the worker; consume other sources with AddQueueConsumer or AddStreamConsumer")
		}
		if tr := p.Tracing; tr != nil && (tr.XRay == nil || *tr.XRay) && w.Tracing != "" && w.Tracing != awslambda.Tracing_ACTIVE {
			c.Add("Jobs.Worker.Tracing", propcheck.Literal(string(w.Tracing)), "leave it unset (Tracing.XRay turns active tracing on for the worker too), or set Tracing.XRay to false")
		}
		if j.MaxConcurrency != nil && w.ReservedConcurrentExecutions != nil && *j.MaxConcurrency > *w.ReservedConcurrentExecutions {
			c.Add("Jobs.MaxConcurrency", j.MaxConcurrency,
				"use at most Jobs.Worker.ReservedConcurrentExecutions (%g): above it Lambda throttles the queue's invocations and returns the jobs to the queue", *w.ReservedConcurrentExecutions)
		}
	}
	checkWhole(c, "Jobs.MaxAttempts", j.MaxAttempts, 1, maxReceiveCountLimit,
		"use a whole number from 1 to 1000 (SQS's maxReceiveCount); the default is %d", contract.DefaultJobsMaxAttempts)
	checkSQSMapping(c, "Jobs.", j.BatchSize, j.MaxBatchingWindow, j.MaxConcurrency, false)
}

// checkSQSMapping refuses the SQS event source mapping settings Lambda refuses.
func checkSQSMapping(c *propcheck.Collector, prefix string, batch *float64, window awscdk.Duration, concurrency *float64, fifo bool) {
	most := float64(sqsMaxBatch)
	if fifo {
		most = sqsMaxBatchNoWindow
	}
	if checkWhole(c, prefix+"BatchSize", batch, 1, most, "use a whole number from 1 to %g (Lambda's limit for this queue)", most) &&
		batch != nil && *batch > sqsMaxBatchNoWindow && !positive(window) {
		c.Add(prefix+"BatchSize", batch, "use 10 or fewer, or set MaxBatchingWindow (at least 1 second): Lambda refuses an SQS batch above 10 without a batching window")
	}
	if window != nil {
		switch secs := seconds(window); {
		case fifo:
			c.Add(prefix+"MaxBatchingWindow", window, "leave it unset: Lambda has no batching window for FIFO queues")
		case secs < 0 || secs > maxBatchingWindowSec:
			c.Add(prefix+"MaxBatchingWindow", window, "use 0 to 5 minutes, Lambda's limit")
		}
	}
	checkWhole(c, prefix+"MaxConcurrency", concurrency, minMaxConcurrency, maxMaxConcurrency,
		"use a whole number from 2 to 1000 (Lambda's limits), or leave it unset for no cap")
}

// checkWhole refuses v when it is set and not a whole number within [lo, hi];
// it reports whether v passed.
func checkWhole(c *propcheck.Collector, prop string, v *float64, lo, hi float64, fix string, args ...any) bool {
	if v == nil || (*v >= lo && *v <= hi && *v == math.Trunc(*v)) {
		return true
	}
	c.Add(prop, v, fix, args...)
	return false
}

func positive(d awscdk.Duration) bool { return d != nil && seconds(d) > 0 }

// seconds is d in seconds, fractions kept (Duration.ToSeconds panics on them).
func seconds(d awscdk.Duration) float64 {
	return *d.ToSeconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)})
}
