package monitoring

// Alarm keys: the stable part of each alarm's name and construct id, and the
// key of Props.Alarms. Defaults are given per key.
const (
	AlarmErrorRate          = "ErrorRate"   // errors / invocations >= 5% in 3 of 3 periods
	AlarmThrottles          = "Throttles"   // any throttle in 2 of 3 periods
	AlarmDurationP99        = "DurationP99" // p99 >= 80% of the timeout in 3 of 3 periods
	AlarmConcurrency        = "Concurrency" // max concurrency >= 90% of reserved in 3 of 3
	AlarmProvisionedSpill   = "ProvisionedSpillover"
	AlarmProvisionedUtil    = "ProvisionedUtilization" // max >= 95% in 3 of 3
	AlarmColdStartRate      = "ColdStartRate"          // >= 20% of >= 20 invocations in 3 of 3
	AlarmHealthFailing      = "HealthFailing"          // a failing health report in 2 of 2
	AlarmCacheHitRatio      = "CacheHitRatio"          // < 50% of >= 100 lookups in 3 of 3
	AlarmCacheL2Errors      = "CacheL2Errors"          // >= 10 L2 errors in 2 of 3
	AlarmDiscoveryErrors    = "DiscoveryErrors"        // >= 5% of >= 10 calls in 2 of 3, per target
	AlarmBreakerOpen        = "BreakerOpen"            // refused calls in 2 of 3, per target
	AlarmWarmerShortfall    = "WarmerShortfall"        // fewer environments warmed than asked in 2 of 2
	AlarmDynamoDBThrottles  = "DynamoDBThrottles"      // any throttled request in 2 of 3
	AlarmDynamoDBErrors     = "DynamoDBSystemErrors"   // any system error in 2 of 3
	AlarmCacheThrottledCmds = "ElastiCacheThrottled"   // serverless: any throttled command in 2 of 3
	AlarmCacheECPU          = "ElastiCacheECPU"        // serverless: >= 80% of MaxECPUPerSecond
	AlarmCacheMemory        = "ElastiCacheMemory"      // serverless >= 80% of MaxDataStorageGB; nodes >= 90% memory
	AlarmCacheCPU           = "ElastiCacheEngineCPU"   // nodes: engine CPU >= 80% in 3 of 3
	AlarmCacheEvictions     = "ElastiCacheEvictions"   // >= 1000 evictions per period in 3 of 3
	AlarmCacheConnections   = "ElastiCacheConnections" // >= 50,000 connections in 3 of 3
	AlarmHTTP5xxRate        = "HTTP5xxRate"            // front door: 5xx >= 5% of >= 20 requests in 3 of 3
	AlarmHTTP4xxRate        = "HTTP4xxRate"            // front door: 4xx (429 throttles included) >= 25% of >= 20 requests in 3 of 3
	AlarmHTTPLatencyP99     = "HTTPLatencyP99"         // front door: p99 latency >= 80% of its timeout in 3 of 3
)

var alarmKeys = []string{
	AlarmErrorRate, AlarmThrottles, AlarmDurationP99, AlarmConcurrency, AlarmProvisionedSpill,
	AlarmProvisionedUtil, AlarmColdStartRate, AlarmHealthFailing, AlarmCacheHitRatio, AlarmCacheL2Errors,
	AlarmDiscoveryErrors, AlarmBreakerOpen, AlarmWarmerShortfall, AlarmDynamoDBThrottles, AlarmDynamoDBErrors,
	AlarmCacheThrottledCmds, AlarmCacheECPU, AlarmCacheMemory, AlarmCacheCPU, AlarmCacheEvictions,
	AlarmCacheConnections, AlarmHTTP5xxRate, AlarmHTTP4xxRate, AlarmHTTPLatencyP99,
}
