package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/constructs/prewarm"
)

// Props configure a service. Only Function.Entry is required.
type Props struct {
	// ServiceName names the service everywhere: LIFT_SERVICE, the Cloud Map
	// service, the warmer's Target, alarm and dashboard names. 1-63 letters,
	// digits, '_' and '-', not starting or ending with '-'.
	// Default: the construct id.
	ServiceName *string
	// Function configures the Go function. Function.Entry is required;
	// Function.ServiceName must be unset (ServiceName rules), and with an
	// ElastiCache tier Function.Vpc must be unset or the tier's VPC.
	// Function.ControlAuth decides who may send it control events; the
	// stack's warmer always carries the function's control token.
	Function *gofunction.Props

	// DynamoDBCache adds a new DynamoDB cache tier with these props.
	// ElastiCache adds a new ElastiCache (Valkey) tier and places the function
	// in its VPC. Cache binds an existing tier, e.g. one shared by services.
	// Set at most one. Default: the in-memory cache only.
	DynamoDBCache *cachetier.DynamoDBProps
	ElastiCache   *cachetier.ElastiCacheProps
	Cache         cachetier.Tier

	// Prewarm chooses how environments are kept warm.
	// Default: the stack's scheduled warmer keeps one environment warm.
	Prewarm *PrewarmProps

	// Namespace registers the service in Cloud Map, so others can Connect to it.
	// Default: not registered.
	Namespace *cloudmap.Namespace

	// HTTP puts a front door on the "live" alias: a function URL (default,
	// AWS_IAM auth) or an HTTP API (frontdoor.KindHTTPAPI). Its Target must
	// be unset. The URL is Service.URL and a stack output; its 5xx, 4xx and
	// latency alarms join the service's composite alarm.
	// Default: no HTTP endpoint (invoke only).
	HTTP *frontdoor.Props
	// Monitoring tunes the alarms and where they notify.
	// Default: every applicable alarm, notifying a new encrypted SNS topic.
	Monitoring *MonitoringProps

	// Jobs adds asynchronous jobs: an encrypted SQS queue with a dead-letter
	// queue, a worker function fed by it, their alarms and dashboard widgets,
	// and LIFT_JOBS_* on both functions (runtime/jobs.ConfigFromEnv). Needs a
	// cache tier. Default: no jobs.
	Jobs *JobsProps

	// Tracing sends the function's OpenTelemetry spans (runtime/tracing) to
	// an ADOT collector layer. Default: no tracing (LIFT_TRACING unset: the
	// runtime records nothing and costs nothing).
	Tracing *TracingProps
}

// TracingProps turn on runtime/tracing for the service: LIFT_TRACING=otlp,
// the collector layer, and Lambda's active X-Ray tracing for the collector's
// X-Ray exporter. The handler must call
// tracing.FromEnv(ctx, otlptracing.Backend()) (runtime/tracing/otlptracing).
type TracingProps struct {
	// CollectorLayer is the AWS Distro for OpenTelemetry collector layer
	// (its ARN is per Region and architecture:
	// awslambda.LayerVersion_FromLayerVersionArn). It receives spans on
	// localhost:4318. Required.
	CollectorLayer awslambda.ILayerVersion
	// XRay turns on Lambda's active tracing, which grants
	// xray:PutTraceSegments and xray:PutTelemetryRecords on "*" (X-Ray has no
	// resource-level permissions; cdk-nag AwsSolutions-IAM5 reports it), so
	// the collector's default X-Ray exporter may send the spans.
	// Default: true.
	XRay *bool
}

// PrewarmProps choose the scheduled warmer (default) or provisioned concurrency.
type PrewarmProps struct {
	// Disabled turns pre-warming off. Default: false.
	Disabled *bool
	// Concurrency is how many environments the warmer keeps warm. Default: 1.
	Concurrency *float64
	// Warmer configures the stack's warmer when this service is the first to
	// create it (schedules, hold, budget). Default: prewarm's defaults.
	Warmer *prewarm.WarmerProps
	// Provisioned puts provisioned concurrency on the "live" alias instead of
	// the warmer. Its Function and Version must be unset: the service sets them.
	Provisioned *prewarm.ProvisionedProps
}

// MonitoringProps tune the service's alarms.
type MonitoringProps struct {
	// Disabled creates no alarms, composite alarm, topic or dashboard. Default: false.
	Disabled *bool
	// Topic receives notifications. Default: a new topic under a new KMS key.
	Topic awssns.ITopic
	// ExtraActions are further actions on the composite alarm.
	ExtraActions *[]awscloudwatch.IAlarmAction
	// Alarms re-tunes or disables alarms by key (monitoring.Alarm*).
	Alarms *map[string]*monitoring.AlarmOverride
	// NotifyEachAlarm also notifies from every individual alarm. Default: false.
	NotifyEachAlarm *bool
}
