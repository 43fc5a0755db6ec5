package service

import (
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/internal/contract"
)

// JobsProps add asynchronous jobs (runtime/jobs) to a service: the service's
// function submits work to an SQS queue and answers at once; a worker, a Go
// function of its own with a timeout of up to 15 minutes, runs it. Jobs need
// a shared cache tier (DynamoDBCache, ElastiCache or Cache): the job status
// and idempotency records live there, shared by the function and the worker.
type JobsProps struct {
	// Worker is the job worker's Go function (its main package calls
	// lift.Start(runner.Worker())). Entry is required. ServiceName must be
	// unset (the worker shares the service's name, so both read the same job
	// records) and so must FunctionOptions.Events (Lift maps the queue).
	// With an ElastiCache tier Vpc must be unset or the tier's VPC.
	// Timeout: 1 second to 15 minutes; default 5 minutes (a job is long
	// work, not Lambda's 3-second default). LogRetention and
	// LogRemovalPolicy default to the service function's.
	Worker *gofunction.Props
	// MaxAttempts is how many times a job runs before it is marked failed
	// and its message moves to the dead-letter queue: the queue's
	// maxReceiveCount and the functions' LIFT_JOBS_MAX_ATTEMPTS. 1 to 1000.
	// Default: 3.
	MaxAttempts *float64
	// BatchSize is how many jobs one worker invocation receives: 1 to 10,
	// or up to 10000 with MaxBatchingWindow. Default: 1 (each job gets the
	// whole timeout).
	BatchSize *float64
	// MaxBatchingWindow is how long Lambda gathers jobs before invoking the
	// worker: 0 to 5 minutes. Default: none (invoke as soon as a job waits).
	MaxBatchingWindow awscdk.Duration
	// MaxConcurrency caps the worker invocations the queue drives at once:
	// 2 to 1000, and at most the worker's ReservedConcurrentExecutions.
	// Default: no cap (Lambda scales up to 1250 concurrent invocations).
	MaxConcurrency *float64
	// EncryptionKey encrypts the queue and the dead-letter queue (customer
	// managed KMS). Default: SQS-managed server-side encryption (SSE-SQS).
	EncryptionKey awskms.IKey
	// Topic receives a notice of every finished job (LIFT_JOBS_TOPIC_ARN),
	// for callers that don't poll; only the worker may publish to it.
	// Default: no notices.
	Topic awssns.ITopic
}

// Jobs is what Props.Jobs created.
type Jobs struct {
	// Queue holds submitted jobs: encrypted at rest, TLS enforced, a
	// redrive policy to DeadLetterQueue after MaxAttempts receives.
	Queue awssqs.Queue
	// DeadLetterQueue holds jobs that failed MaxAttempts times (14 days).
	DeadLetterQueue awssqs.Queue
	// Worker runs the jobs; WorkerAlias ("live", on its current version) is
	// what the queue invokes.
	Worker      awslambda.Function
	WorkerAlias awslambda.IAlias
	// Mapping is the event source mapping from Queue to WorkerAlias, with
	// ReportBatchItemFailures (only the failed jobs of a batch are retried).
	Mapping awslambda.EventSourceMapping
	// VisibilityTimeout is the queue's: six times the worker's timeout plus
	// MaxBatchingWindow (see visibilityTimeout).
	VisibilityTimeout awscdk.Duration
	// Topic is JobsProps.Topic.
	Topic awssns.ITopic

	maxAttempts float64
}

// Job defaults.
const (
	defaultWorkerTimeoutMinutes = 5
	defaultJobsBatchSize        = 1
	queueRetentionDays          = 4  // SQS's default, set so that it is visible; jobs older than this are dropped
	deadLetterRetentionDays     = 14 // longer than the queue's: a message keeps its first enqueue time in the DLQ
)

// visibilityTimeout follows AWS's advice for a queue that drives a Lambda
// function: at least six times the function's timeout, so a batch whose
// invocation was throttled and retried is not delivered again while it is
// still running, plus the batching window, during which received messages
// are already invisible. 6 x 15 minutes + 5 minutes is within SQS's 12 hours.
func visibilityTimeout(workerTimeout, window awscdk.Duration) awscdk.Duration {
	total := 6 * seconds(workerTimeout)
	if window != nil {
		total += seconds(window)
	}
	return awscdk.Duration_Seconds(jsii.Number(math.Ceil(total)))
}

// environment is what both functions read (runtime/jobs.ConfigFromEnv).
func (j *Jobs) environment() map[string]*string {
	env := map[string]*string{
		contract.EnvJobsQueueURL:    j.Queue.QueueUrl(),
		contract.EnvJobsMaxAttempts: jsii.String(strconv.Itoa(int(j.maxAttempts))),
	}
	if j.Topic != nil {
		env[contract.EnvJobsTopicARN] = j.Topic.TopicArn()
	}
	return env
}

// newJobs creates the queues, the worker and its mapping, and grants each
// function only what it does: the service's function sends, the worker
// consumes and publishes.
func newJobs(s *Service, p *Props, fnProps *gofunction.Props) *Jobs {
	jp := p.Jobs
	scope := constructs.NewConstruct(s, jsii.String("Jobs"))
	j := &Jobs{Topic: jp.Topic, maxAttempts: contract.DefaultJobsMaxAttempts}
	if jp.MaxAttempts != nil {
		j.maxAttempts = *jp.MaxAttempts
	}

	wp := workerProps(s, p, fnProps)
	j.VisibilityTimeout = visibilityTimeout(wp.Timeout, jp.MaxBatchingWindow)
	j.Worker = gofunction.New(scope, jsii.String("Worker"), wp)
	applyTracing(j.Worker, p.Tracing)
	s.Cache.Bind(j.Worker)
	j.WorkerAlias = awslambda.NewAlias(scope, jsii.String("WorkerLive"), &awslambda.AliasProps{
		AliasName: jsii.String(AliasName), Version: j.Worker.CurrentVersion(),
	})

	encryption := awssqs.QueueEncryption_SQS_MANAGED
	if jp.EncryptionKey != nil {
		encryption = awssqs.QueueEncryption_KMS
	}
	j.DeadLetterQueue = awssqs.NewQueue(scope, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
		Encryption: encryption, EncryptionMasterKey: jp.EncryptionKey, EnforceSSL: jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(deadLetterRetentionDays)),
	})
	j.Queue = awssqs.NewQueue(scope, jsii.String("Queue"), &awssqs.QueueProps{
		Encryption: encryption, EncryptionMasterKey: jp.EncryptionKey, EnforceSSL: jsii.Bool(true),
		VisibilityTimeout: j.VisibilityTimeout, RetentionPeriod: awscdk.Duration_Days(jsii.Number(queueRetentionDays)),
		DeadLetterQueue: &awssqs.DeadLetterQueue{Queue: j.DeadLetterQueue, MaxReceiveCount: jsii.Number(j.maxAttempts)},
	})

	batch := jp.BatchSize
	if batch == nil {
		batch = jsii.Number(defaultJobsBatchSize)
	}
	j.Mapping = awslambda.NewEventSourceMapping(scope, jsii.String("Mapping"), &awslambda.EventSourceMappingProps{
		Target: j.WorkerAlias, EventSourceArn: j.Queue.QueueArn(),
		BatchSize: batch, MaxBatchingWindow: jp.MaxBatchingWindow, MaxConcurrency: jp.MaxConcurrency,
		ReportBatchItemFailures: jsii.Bool(true),
	})
	j.Queue.GrantConsumeMessages(j.WorkerAlias)
	grantSend(j.Queue, s.Function)
	if j.Topic != nil {
		grantPublish(j.Topic, j.Worker)
	}
	env := j.environment()
	for _, name := range slices.Sorted(maps.Keys(env)) { // a stable template
		s.Function.AddEnvironment(jsii.String(name), env[name], nil)
		j.Worker.AddEnvironment(jsii.String(name), env[name], nil)
	}
	j.Worker.AddEnvironment(jsii.String(contract.EnvJobsWorker), jsii.String("true"), nil)
	return j
}

// workerProps is the worker's copy of Jobs.Worker with what Lift sets: the
// service's name, a 5-minute default timeout, the function's network (with
// ElastiCache), tracing and log settings.
func workerProps(s *Service, p *Props, fnProps *gofunction.Props) *gofunction.Props {
	wp := *p.Jobs.Worker
	wp.ServiceName = p.ServiceName
	if wp.Timeout == nil {
		wp.Timeout = awscdk.Duration_Minutes(jsii.Number(defaultWorkerTimeoutMinutes))
	}
	if s.ElastiCache != nil && wp.Vpc == nil {
		wp.Vpc, wp.VpcSubnets = fnProps.Vpc, fnProps.VpcSubnets
	}
	activeTracing(&wp, p.Tracing)
	if wp.Architecture == nil {
		wp.Architecture = fnProps.Architecture
	}
	if wp.LogGroup == nil {
		if wp.LogRetention == "" {
			wp.LogRetention = fnProps.LogRetention
		}
		if wp.LogRemovalPolicy == "" {
			wp.LogRemovalPolicy = fnProps.LogRemovalPolicy
		}
	}
	return &wp
}

// grantSend lets fn send to q and nothing else: sqs:SendMessage, and the key
// use SQS needs to encrypt the message when q is under a KMS key.
func grantSend(q awssqs.IQueue, fn awslambda.IFunction) {
	q.Grant(fn, jsii.String("sqs:SendMessage"))
	if key := q.EncryptionMasterKey(); key != nil {
		key.Grant(fn, jsii.String("kms:GenerateDataKey"), jsii.String("kms:Decrypt"))
	}
}

// grantPublish lets fn publish to topic: sns:Publish, and the two key
// actions SNS needs under a KMS key (CDK's GrantPublish grants
// kms:GenerateDataKey*, a wildcard cdk-nag reports).
func grantPublish(topic awssns.ITopic, fn awslambda.Function) {
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("sns:Publish"), Resources: &[]*string{topic.TopicArn()},
	}))
	if key := topic.MasterKey(); key != nil {
		key.Grant(fn, jsii.String("kms:GenerateDataKey"), jsii.String("kms:Decrypt"))
	}
}
