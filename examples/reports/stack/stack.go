// Package stack defines the reports example's CDK stack, LiftReports: one
// Lift service whose function answers POST /reports and GET /reports/{id}
// behind an IAM-authenticated HTTP API, and whose jobs worker runs each
// report from the service's encrypted SQS queue (service.Props.Jobs). The
// app (examples/reports) and the tests build it from here.
package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
	"github.com/liftcdk/lift/examples/reports/report"
)

const (
	// StackName is the example's only stack.
	StackName = "LiftReports"
	// ServiceName is LIFT_SERVICE of the API and the worker: they share the
	// job records.
	ServiceName = "reports"
)

// Handler packages, relative to the example's folder, where its cdk.json
// runs the app.
const (
	DefaultAPIEntry    = "api"
	DefaultWorkerEntry = "worker"
)

// DefaultWorkerTimeout bounds one report: far more than the 36 s one takes.
var DefaultWorkerTimeout = awscdk.Duration_Minutes(jsii.Number(2))

// ReportsProps configures the stack.
type ReportsProps struct {
	awscdk.StackProps
	// Architecture of both functions. Default: arm64.
	Architecture awslambda.Architecture
	// APIEntry and WorkerEntry are the handlers' main package directories.
	// Default: DefaultAPIEntry, DefaultWorkerEntry.
	APIEntry, WorkerEntry string
	// WorkerTimeout bounds one attempt at a report; the queue's visibility
	// timeout, and so the wait before a crashed attempt is retried, derive
	// from it. Default: DefaultWorkerTimeout.
	WorkerTimeout awscdk.Duration
	// StepDelay, when set, is the worker's REPORTS_STEP_DELAY (a Go
	// duration): the tests make reports quick with it. Default: unset, 3 s.
	StepDelay string
}

// Reports is the stack and the service it created.
type Reports struct {
	awscdk.Stack
	Service *service.Service
}

// NewReportsStack defines the example: the reports service (its API
// function on a "live" alias behind an HTTP API with IAM auth, a DynamoDB
// tier holding job records and idempotency keys, the jobs queue with its
// dead-letter queue and the worker, alarms and a dashboard) and the outputs
// a caller needs.
func NewReportsStack(scope constructs.Construct, id string, props *ReportsProps) *Reports {
	sp := props.StackProps // a copy: the caller's props are not modified
	if sp.Description == nil {
		sp.Description = jsii.String("Lift reports: long-running report jobs behind an HTTP API, run from an SQS queue")
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)
	apiEntry, workerEntry, timeout := props.APIEntry, props.WorkerEntry, props.WorkerTimeout
	if apiEntry == "" {
		apiEntry = DefaultAPIEntry
	}
	if workerEntry == "" {
		workerEntry = DefaultWorkerEntry
	}
	if timeout == nil {
		timeout = DefaultWorkerTimeout
	}
	var workerEnv *map[string]*string
	if props.StepDelay != "" {
		workerEnv = &map[string]*string{report.EnvStepDelay: jsii.String(props.StepDelay)}
	}

	svc := service.New(stack, jsii.String("Reports"), &service.Props{
		ServiceName: jsii.String(ServiceName),
		Function: &gofunction.Props{
			Entry:        jsii.String(apiEntry),
			Architecture: props.Architecture,
			Description:  jsii.String("Lift reports example: submits report jobs and answers their status"),
			MemorySize:   jsii.Number(256),
			Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
			// A demo stack: its logs go with it. Production keeps RETAIN.
			LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		},
		// Job records and the worker's idempotency keys: a tier every
		// environment of both functions shares.
		DynamoDBCache: &cachetier.DynamoDBProps{},
		// IAM auth: callers sign with SigV4 (curl --aws-sigv4). Nothing is public.
		HTTP: &frontdoor.Props{
			Kind:       frontdoor.KindHTTPAPI,
			AccessLogs: &frontdoor.AccessLogProps{RemovalPolicy: awscdk.RemovalPolicy_DESTROY},
		},
		Jobs: &service.JobsProps{
			Worker: &gofunction.Props{
				Entry:            jsii.String(workerEntry),
				Architecture:     props.Architecture,
				Description:      jsii.String("Lift reports example: runs report jobs from the queue"),
				MemorySize:       jsii.Number(256),
				Timeout:          timeout,
				Environment:      workerEnv,
				LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
			},
			MaxAttempts: jsii.Number(3),
		},
	})

	out := func(id, desc string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: v, Description: jsii.String(desc)})
	}
	out("ApiFunctionName", "Name of the reports API function", svc.Function.FunctionName())
	out("WorkerFunctionName", "Name of the reports worker function", svc.Jobs.Worker.FunctionName())
	out("JobsQueueUrl", "URL of the job queue", svc.Jobs.Queue.QueueUrl())
	out("JobsDeadLetterQueueUrl", "URL of the job queue's dead-letter queue", svc.Jobs.DeadLetterQueue.QueueUrl())
	return &Reports{Stack: stack, Service: svc}
}
