package contract

// Jobs (runtime/jobs; constructs/service's Jobs).
const (
	// EnvJobsQueueURL is the URL of the service's job queue, where a Runner
	// submits work. Written on the service's function and on its worker.
	EnvJobsQueueURL = "LIFT_JOBS_QUEUE_URL"
	// EnvJobsMaxAttempts is the queue's maxReceiveCount: the attempt on which a
	// failure marks a job failed (the message then goes to the dead-letter
	// queue). Default DefaultJobsMaxAttempts.
	EnvJobsMaxAttempts = "LIFT_JOBS_MAX_ATTEMPTS"
	// EnvJobsTopicARN, when set, is the SNS topic the worker publishes each
	// finished job (succeeded or failed) to, for callers that don't poll.
	EnvJobsTopicARN = "LIFT_JOBS_TOPIC_ARN"
	// EnvJobsWorker is "true" on a service's jobs worker, which shares the
	// service's LIFT_SERVICE with its function: tools tell the two apart by it
	// (lift invoke SERVICE is the function, SERVICE/worker the worker).
	EnvJobsWorker = "LIFT_JOBS_WORKER"
	// DefaultJobsMaxAttempts is the default of EnvJobsMaxAttempts.
	DefaultJobsMaxAttempts = 3
)

// Job metrics (dimension: Service), emitted by the jobs worker. The failure
// rate constructs/service alarms on is JobsFailed / (JobsSucceeded + JobsFailed).
const (
	MetricJobsSucceeded = "JobsSucceeded" // Count, jobs finished with a result
	MetricJobsFailed    = "JobsFailed"    // Count, jobs marked failed after their last attempt
	MetricJobsRetried   = "JobsRetried"   // Count, failed attempts left to the queue's retry
)
