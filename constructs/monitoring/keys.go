package monitoring

// Alarm keys: the stable part of each alarm's name and construct id, and the
// key of Props.Alarms. Each comment gives the threshold's unit and the
// default: percent alarms compare a percentage (0-100), count alarms a count
// per evaluation period (Props.Period, default 5 minutes).
const (
	AlarmErrorRate          = "ErrorRate"              // percent of invocations that fail; >= 5 in 3 of 3 periods
	AlarmThrottles          = "Throttles"              // count of throttles; >= 1 in 2 of 3
	AlarmDurationP99        = "DurationP99"            // percent of the timeout p99 duration reaches; >= 80 in 3 of 3
	AlarmConcurrency        = "Concurrency"            // percent of reserved concurrency used (max); >= 90 in 3 of 3
	AlarmProvisionedSpill   = "ProvisionedSpillover"   // count of spillover invocations; >= 1 in 3 of 3
	AlarmProvisionedUtil    = "ProvisionedUtilization" // percent of provisioned concurrency used (max); >= 95 in 3 of 3
	AlarmColdStartRate      = "ColdStartRate"          // percent of business invocations that start cold (above 20 a period); >= 20 in 3 of 3
	AlarmHealthFailing      = "HealthFailing"          // count of failing health reports; >= 1 in 2 of 2
	AlarmCacheHitRatio      = "CacheHitRatio"          // percent of lookups served by a cache tier (above 100 a period); < 50 in 3 of 3
	AlarmCacheL2Errors      = "CacheL2Errors"          // count of L2 errors; >= 10 in 2 of 3
	AlarmDiscoveryErrors    = "DiscoveryErrors"        // percent of calls to a target that fail (above 10 a period); >= 5 in 2 of 3, per target
	AlarmBreakerOpen        = "BreakerOpen"            // count of calls refused by open breakers; >= 1 in 2 of 3, per target
	AlarmWarmerShortfall    = "WarmerShortfall"        // count of environments asked but not warmed; >= 1 in 2 of 2
	AlarmDynamoDBThrottles  = "DynamoDBThrottles"      // count of throttled requests; >= 1 in 2 of 3
	AlarmDynamoDBErrors     = "DynamoDBSystemErrors"   // count of system errors; >= 1 in 2 of 3
	AlarmCacheThrottledCmds = "ElastiCacheThrottled"   // serverless: count of throttled commands; >= 1 in 2 of 3
	AlarmCacheECPU          = "ElastiCacheECPU"        // serverless: percent of MaxECPUPerSecond; >= 80 in 3 of 3
	AlarmCacheMemory        = "ElastiCacheMemory"      // percent: serverless of MaxDataStorageGB >= 80, nodes of memory >= 90; 3 of 3
	AlarmCacheCPU           = "ElastiCacheEngineCPU"   // nodes: percent engine CPU; >= 80 in 3 of 3
	AlarmCacheEvictions     = "ElastiCacheEvictions"   // count of evictions; >= 1000 in 3 of 3
	AlarmCacheConnections   = "ElastiCacheConnections" // count of client connections (max); >= 50000 in 3 of 3
	AlarmHTTP5xxRate        = "HTTP5xxRate"            // front door: percent of requests answered 5xx (above 20 a period); >= 5 in 3 of 3
	AlarmHTTP4xxRate        = "HTTP4xxRate"            // front door: percent of requests answered 4xx, 429 throttles included (above 20 a period); >= 25 in 3 of 3
	AlarmHTTPLatencyP99     = "HTTPLatencyP99"         // front door: percent of its timeout p99 latency reaches; >= 80 in 3 of 3

	AlarmJobsDeadLetters     = "JobsDeadLetters"     // jobs: count of jobs in the dead-letter queue (max visible); >= 1 in 1 of 1
	AlarmJobsQueueAge        = "JobsQueueAge"        // jobs: seconds the oldest job has waited (max); >= JobsProps.MaxQueueAge in 2 of 3
	AlarmJobsFailureRate     = "JobsFailureRate"     // jobs: percent of finished jobs that failed, JobsFailed / (JobsSucceeded + JobsFailed); >= 5 in 2 of 3
	AlarmJobsWorkerErrors    = "JobsWorkerErrorRate" // jobs: percent of worker invocations that fail (crash, timeout); >= 5 in 3 of 3
	AlarmJobsWorkerThrottles = "JobsWorkerThrottles" // jobs: count of throttled worker invocations; >= 1 in 2 of 3
	AlarmQueueAge            = "QueueAge"            // queue consumer: seconds its queue's oldest message has waited (max); >= 900 in 3 of 3, per consumer
	AlarmDeadLetters         = "DeadLetters"         // queue or stream consumer: count of records in its dead-letter queue or on-failure destination; >= 1 in 1 of 1, per consumer
	AlarmIteratorAge         = "IteratorAge"         // stream consumers: seconds between a record's write and its read (max over the function's streams); >= 300 in 3 of 3
)

// unit is what an alarm's threshold measures.
type unit string

const (
	percent unit = "percent" // 0 to 100
	count   unit = "count"   // per evaluation period, or at once for connections and queued messages
	seconds unit = "seconds" // an age
)

// alarmUnits gives every key's unit; a key is valid when it is here.
var alarmUnits = map[string]unit{
	AlarmErrorRate: percent, AlarmThrottles: count, AlarmDurationP99: percent, AlarmConcurrency: percent,
	AlarmProvisionedSpill: count, AlarmProvisionedUtil: percent, AlarmColdStartRate: percent, AlarmHealthFailing: count,
	AlarmCacheHitRatio: percent, AlarmCacheL2Errors: count, AlarmDiscoveryErrors: percent, AlarmBreakerOpen: count,
	AlarmWarmerShortfall: count, AlarmDynamoDBThrottles: count, AlarmDynamoDBErrors: count, AlarmCacheThrottledCmds: count,
	AlarmCacheECPU: percent, AlarmCacheMemory: percent, AlarmCacheCPU: percent, AlarmCacheEvictions: count,
	AlarmCacheConnections: count, AlarmHTTP5xxRate: percent, AlarmHTTP4xxRate: percent, AlarmHTTPLatencyP99: percent,
	AlarmJobsDeadLetters: count, AlarmJobsQueueAge: seconds, AlarmJobsFailureRate: percent, AlarmJobsWorkerErrors: percent,
	AlarmJobsWorkerThrottles: count, AlarmQueueAge: seconds, AlarmDeadLetters: count, AlarmIteratorAge: seconds,
}

// alarmInputs names the props that create each alarm that is not always made,
// for the error on an override of an alarm the service does not have.
var alarmInputs = map[string]string{
	AlarmConcurrency:         "ReservedConcurrency",
	AlarmProvisionedSpill:    "ProvisionedAlias",
	AlarmProvisionedUtil:     "ProvisionedAlias",
	AlarmCacheHitRatio:       "CacheTier",
	AlarmCacheL2Errors:       "CacheTier",
	AlarmDiscoveryErrors:     "DiscoveryTargets (or AddDiscoveryTarget)",
	AlarmBreakerOpen:         "DiscoveryTargets (or AddDiscoveryTarget)",
	AlarmWarmerShortfall:     "WarmerTarget",
	AlarmDynamoDBThrottles:   "Table",
	AlarmDynamoDBErrors:      "Table",
	AlarmCacheThrottledCmds:  "ElastiCache.ServerlessCacheName",
	AlarmCacheECPU:           "ElastiCache.MaxECPUPerSecond",
	AlarmCacheMemory:         "ElastiCache.MaxDataStorageGB or ElastiCache.NodeIDs",
	AlarmCacheCPU:            "ElastiCache.NodeIDs",
	AlarmCacheEvictions:      "ElastiCache",
	AlarmCacheConnections:    "ElastiCache",
	AlarmHTTP5xxRate:         "HTTP",
	AlarmHTTP4xxRate:         "HTTP",
	AlarmHTTPLatencyP99:      "HTTP",
	AlarmJobsDeadLetters:     "Jobs",
	AlarmJobsQueueAge:        "Jobs",
	AlarmJobsFailureRate:     "Jobs",
	AlarmJobsWorkerErrors:    "Jobs",
	AlarmJobsWorkerThrottles: "Jobs",
}

// laterAlarms are made after New, by the method each names; an override of
// one is checked at synth, when every call has been made.
var laterAlarms = map[string]string{
	AlarmDiscoveryErrors: "set Props.DiscoveryTargets or call AddDiscoveryTarget",
	AlarmBreakerOpen:     "set Props.DiscoveryTargets or call AddDiscoveryTarget",
	AlarmQueueAge:        "call AddQueueConsumer (service: Service.AddQueueConsumer)",
	AlarmDeadLetters:     "call AddQueueConsumer with a dead-letter queue, or AddStreamConsumer",
	AlarmIteratorAge:     "call AddStreamConsumer (service: Service.AddStreamConsumer)",
}
