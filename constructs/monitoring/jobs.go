package monitoring

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

// JobsProps name a service's job queue and worker (constructs/service's Jobs).
// Queue, DeadLetterQueue and Worker are required.
type JobsProps struct {
	Queue           awssqs.IQueue
	DeadLetterQueue awssqs.IQueue
	// Worker is the function the queue drives; its errors and throttles get
	// their own alarms (a job that fails is not a worker error: it is
	// reported per record and counted in JobsFailureRate).
	Worker awslambda.IFunction
	// MaxQueueAge is the JobsQueueAge alarm's default threshold: a job
	// waiting longer is a backlog, not a retry. constructs/service uses
	// MaxAttempts times the queue's visibility timeout, the longest a job
	// retried to its last attempt waits. Default: 1 hour.
	MaxQueueAge awscdk.Duration
}

// Default thresholds of the consumer alarms, in seconds.
const (
	defaultJobsQueueAgeSec = 3600
	defaultQueueAgeSec     = 900
	defaultIteratorAgeSec  = 300
)

func jobsSpecs(j *JobsProps, m metricSource) []spec {
	maxAge := float64(defaultJobsQueueAgeSec)
	if j.MaxQueueAge != nil {
		maxAge = *j.MaxQueueAge.ToSeconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)})
	}
	worker := j.Worker
	return []spec{{
		key:         AlarmJobsDeadLetters,
		description: "At least %s jobs are in the dead-letter queue: they failed every attempt and are marked failed. Read them, fix the cause, then redrive or delete them.",
		metric:      j.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(m.options("Maximum")),
		threshold:   1, periods: 1, datapoints: 1,
	}, {
		key:         AlarmJobsQueueAge,
		description: "The oldest job has waited at least %s: the worker does not keep up (raise MaxConcurrency or the worker's concurrency) or is failing.",
		metric:      j.Queue.MetricApproximateAgeOfOldestMessage(m.options("Maximum")),
		threshold:   maxAge, periods: 3, datapoints: 2,
	}, {
		key:         AlarmJobsFailureRate,
		description: "At least %s of finished jobs failed after their last attempt. The worker's logs and the dead-letter queue show why.",
		metric: m.expr("Jobs failed (%)", "IF(FILL(succeeded, 0) + FILL(failed, 0) > 0, 100 * FILL(failed, 0) / (FILL(succeeded, 0) + FILL(failed, 0)), 0)", map[string]awscloudwatch.IMetric{
			"succeeded": m.lift(contract.MetricJobsSucceeded, "Sum"), "failed": m.lift(contract.MetricJobsFailed, "Sum"),
		}),
		threshold: 5, periods: 3, datapoints: 2,
	}, {
		key:         AlarmJobsWorkerErrors,
		description: "Worker invocations fail (crash or time out) at least %s of the time; their whole batch returns to the queue. Check the worker's logs.",
		metric: m.expr("Worker error rate (%)", "IF(invocations > 0, 100 * errors / invocations, 0)", map[string]awscloudwatch.IMetric{
			"errors": worker.MetricErrors(m.options("Sum")), "invocations": worker.MetricInvocations(m.options("Sum")),
		}),
		threshold: 5, periods: 3, datapoints: 3,
	}, {
		key:         AlarmJobsWorkerThrottles,
		description: "At least %s worker invocations a period are throttled; jobs wait. Raise the worker's reserved concurrency or the account limit.",
		metric:      worker.MetricThrottles(m.options("Sum")),
		threshold:   1, periods: 3, datapoints: 2,
	}}
}

// jobsWidgets graph the job queue and the jobs' outcomes.
func jobsWidgets(j *JobsProps, m metricSource) []awscloudwatch.IWidget {
	return []awscloudwatch.IWidget{
		graph("Jobs: queue depth", j.Queue.MetricApproximateNumberOfMessagesVisible(m.options("Maximum")),
			j.Queue.MetricApproximateNumberOfMessagesNotVisible(m.options("Maximum")),
			j.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(m.options("Maximum"))),
		graph("Jobs: age of oldest (s)", j.Queue.MetricApproximateAgeOfOldestMessage(m.options("Maximum"))),
		graph("Jobs: succeeded, failed, retried", m.lift(contract.MetricJobsSucceeded, "Sum"),
			m.lift(contract.MetricJobsFailed, "Sum"), m.lift(contract.MetricJobsRetried, "Sum")),
	}
}

// AddQueueConsumer adds the alarms of a queue the service consumes (named
// QueueAge-<name> and, when dlq is not nil, DeadLetters-<name>), joins them
// to the composite alarm and shows them on the dashboard. Adding a name
// twice is a no-op.
func (mon *Monitoring) AddQueueConsumer(name string, queue, dlq awssqs.IQueue) {
	if mon.made[AlarmQueueAge+"-"+name] {
		return
	}
	specs := []spec{{
		key: AlarmQueueAge, suffix: name,
		description: "The oldest message of consumer " + name + "'s queue has waited at least %s: the function does not keep up or keeps failing.",
		metric:      queue.MetricApproximateAgeOfOldestMessage(mon.metrics.options("Maximum")),
		threshold:   defaultQueueAgeSec, periods: 3, datapoints: 3,
	}}
	if dlq != nil {
		specs = append(specs, deadLetterSpec(mon.metrics, name, dlq))
	}
	mon.addLater(specs)
}

// AddStreamConsumer adds the alarms of a stream the service consumes
// through fn (its alias): IteratorAge, once for the function, and
// DeadLetters-<name> on the mapping's on-failure destination.
func (mon *Monitoring) AddStreamConsumer(name string, fn awslambda.IFunction, onFailure awssqs.IQueue) {
	if mon.made[AlarmDeadLetters+"-"+name] {
		return
	}
	var specs []spec
	if !mon.made[AlarmIteratorAge] {
		specs = append(specs, spec{
			key:         AlarmIteratorAge,
			description: "The function's stream consumers read records at least %s after they were written: they fall behind (raise ParallelizationFactor or BatchSize) or a batch keeps failing.",
			metric: mon.metrics.expr("Iterator age (s)", "age / 1000", map[string]awscloudwatch.IMetric{
				"age": fn.Metric(jsii.String("IteratorAge"), mon.metrics.options("Maximum")),
			}),
			threshold: defaultIteratorAgeSec, periods: 3, datapoints: 3,
		})
	}
	mon.addLater(append(specs, deadLetterSpec(mon.metrics, name, onFailure)))
}

func deadLetterSpec(m metricSource, name string, dlq awssqs.IQueue) spec {
	return spec{
		key: AlarmDeadLetters, suffix: name,
		description: "At least %s records of consumer " + name + " were given up on and sit in its dead-letter queue. Read them, fix the cause, then redrive them.",
		metric:      dlq.MetricApproximateNumberOfMessagesVisible(m.options("Maximum")),
		threshold:   1, periods: 1, datapoints: 1,
	}
}

// addLater adds alarms after New: to the composite alarm (rendered at
// synth) and to the dashboard.
func (mon *Monitoring) addLater(specs []spec) {
	if added := mon.add(specs); len(added) > 0 {
		addAlarmWidgets(mon.Dashboard, mon, added)
	}
}
