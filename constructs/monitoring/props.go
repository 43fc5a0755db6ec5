package monitoring

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
)

// Props configure the monitoring of one service. Only ServiceName and Function
// are required; every other group of alarms is created when its input is given.
type Props struct {
	// ServiceName is the Service dimension of the runtime's metrics (the
	// function's LIFT_SERVICE) and the middle part of every alarm name.
	ServiceName *string
	// Function is the monitored Lambda function.
	Function awslambda.IFunction
	// Timeout is the function's timeout; the duration alarm compares p99 to it.
	// Default: 3 seconds, Lambda's default timeout.
	Timeout awscdk.Duration
	// ReservedConcurrency enables the concurrency alarm against this limit.
	// Default: no concurrency alarm.
	ReservedConcurrency *float64
	// ProvisionedAlias is the alias carrying provisioned concurrency; it enables
	// the spillover and utilisation alarms. Default: no provisioned-concurrency alarms.
	ProvisionedAlias awslambda.IAlias
	// WarmerTarget is the Target dimension the warmer reports this service
	// under; it enables the warmer-shortfall alarm. Default: no warmer alarm.
	WarmerTarget *string
	// CacheTier is the L2 tier's Tier dimension ("dynamodb" or "valkey", the
	// tier's Kind()); it enables the hit-ratio and L2-error alarms.
	// Default: no cache alarms.
	CacheTier *string
	// Table enables DynamoDB throttle and system-error alarms on the cache table.
	Table awsdynamodb.ITable
	// ElastiCache enables alarms on the cache cluster.
	ElastiCache *ElastiCacheProps
	// DiscoveryTargets are the Cloud Map services this function calls; each gets
	// an error-rate and an open-breaker alarm. Default: none.
	DiscoveryTargets *[]*string
	// HTTP watches the service's front door (frontdoor.FrontDoor.MonitoringProps):
	// 5xx and 4xx rates and p99 latency against its timeout, with dashboard
	// widgets. Default: no front-door alarms.
	HTTP *HTTPProps
	// Jobs watches a service's job queue and worker (JobsProps): the
	// JobsDeadLetters, JobsQueueAge, JobsFailureRate, JobsWorkerErrorRate
	// and JobsWorkerThrottles alarms, with dashboard widgets.
	// Default: no jobs alarms.
	Jobs *JobsProps
	// Alarms re-tunes or disables alarms by key (AlarmErrorRate, ...).
	// Default: the thresholds documented on each key.
	Alarms *map[string]*AlarmOverride
	// Topic receives the composite alarm's notifications. Default: a new topic
	// encrypted with a new customer-managed KMS key that CloudWatch may use
	// (alarms cannot publish to topics under the AWS-managed SNS key).
	Topic awssns.ITopic
	// ExtraActions are further actions on the composite alarm (several allowed).
	ExtraActions *[]awscloudwatch.IAlarmAction
	// NotifyEachAlarm also puts the actions on every individual alarm.
	// Default: false; only the composite alarm notifies.
	NotifyEachAlarm *bool
	// Period is the evaluation period of every alarm. Default: 5 minutes.
	Period awscdk.Duration
	// DashboardName names the dashboard. Default: "<stack>-<service>".
	DashboardName *string
}

// ElastiCacheProps identify the cache cluster to watch.
type ElastiCacheProps struct {
	// ServerlessCacheName names a serverless cache (dimension clusterId).
	ServerlessCacheName *string
	// MaxECPUPerSecond is the serverless cache's ECPU limit; it enables the ECPU alarm at 80%.
	MaxECPUPerSecond *float64
	// MaxDataStorageGB is the serverless cache's storage limit; it enables the memory alarm at 80%.
	MaxDataStorageGB *float64
	// NodeIDs are the cache cluster ids of a node-based replication group's
	// nodes (dimension CacheClusterId, e.g. "mygroup-001"); each gets CPU and memory alarms.
	NodeIDs *[]*string
}

// HTTPProps name a front door's CloudWatch metrics: a function URL's
// (AWS/Lambda Url*) or an API Gateway HTTP API's (AWS/ApiGateway). All but
// Timeout are required.
type HTTPProps struct {
	// Label names the front door in widget titles, e.g. "HTTP API".
	Label      *string
	Namespace  *string
	Dimensions *map[string]*string
	// Metric names: request count, 5xx count, 4xx count, latency (ms).
	Requests, ServerErrors, ClientErrors, Latency *string
	// Timeout is what the latency alarm compares p99 to: an HTTP API's
	// integration timeout. Default: Props.Timeout, the function's.
	Timeout awscdk.Duration
}

// AlarmOverride changes one alarm. Unset fields keep the default. The alarm's
// description is rendered from the threshold used.
//
// Threshold is in the alarm's unit, which each Alarm* key's comment states:
//
//   - percent (0 to 100; 5 means 5 %): ErrorRate, DurationP99 (of the
//     timeout), Concurrency (of reserved), ProvisionedUtilization,
//     ColdStartRate, CacheHitRatio (alarms below it), DiscoveryErrors,
//     ElastiCacheECPU, ElastiCacheMemory, ElastiCacheEngineCPU, HTTP5xxRate,
//     HTTP4xxRate, HTTPLatencyP99 (of the front door's timeout),
//     JobsFailureRate, JobsWorkerErrorRate;
//   - count per evaluation period (Props.Period, default 5 minutes):
//     Throttles, ProvisionedSpillover, HealthFailing, CacheL2Errors,
//     BreakerOpen, WarmerShortfall, DynamoDBThrottles, DynamoDBSystemErrors,
//     ElastiCacheThrottled, ElastiCacheEvictions, JobsWorkerThrottles;
//     ElastiCacheConnections counts connections open at once, and
//     JobsDeadLetters and DeadLetters messages waiting (max);
//   - seconds: JobsQueueAge, QueueAge, IteratorAge.
//
// New refuses a negative threshold, a percent above 100, and an override of
// an alarm the service does not have (its input prop is unset).
type AlarmOverride struct {
	// Disabled creates no such alarm. Default: false.
	Disabled *bool
	// Threshold in the alarm's unit (above). Default: the key's.
	Threshold *float64
	// EvaluationPeriods is how many periods the alarm looks back. Default: the key's.
	EvaluationPeriods *float64
	// DatapointsToAlarm is how many of them must breach, at most
	// EvaluationPeriods. Default: the key's, capped at EvaluationPeriods; set
	// alone above the key's EvaluationPeriods, it raises them to match.
	DatapointsToAlarm *float64
}
