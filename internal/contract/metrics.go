package contract

// MetricsNamespace is the CloudWatch namespace of every metric the runtime and
// the warmer emit (as Embedded Metric Format log lines).
const MetricsNamespace = "Lift"

// Dimension names. Every runtime metric carries DimService; cache metrics add
// DimTier; discovery metrics add DimTarget; warmer metrics carry only DimTarget.
const (
	DimService = "Service"
	DimTier    = "Tier"
	DimTarget  = "Target"
)

// Lifecycle metrics (dimension: Service). There is deliberately no business
// invocation count: it is exactly AWS/Lambda Invocations minus Warmups (each
// warm-up is one invocation), and counting it here would make every plain
// invocation write a metric line.
const (
	MetricColdStart          = "ColdStart"          // Count, 1 per on-demand cold start
	MetricHandlerPanics      = "HandlerPanics"      // Count
	MetricWarmups            = "Warmups"            // Count, warm-up events answered
	MetricWarmupHookDuration = "WarmupHookDuration" // Milliseconds
	MetricHealthChecks       = "HealthChecks"       // Count, health events answered
	MetricHealthFailed       = "HealthFailed"       // Count, 1 when a report's status is fail
	MetricShutdownDuration   = "ShutdownDuration"   // Milliseconds
	MetricShutdownAbandoned  = "ShutdownAbandoned"  // Count, hooks that overran the budget
	MetricControlRefused     = "ControlRefused"     // Count, control events refused for want of a valid token
)

// Cache metrics (dimensions: Service, Tier).
const (
	MetricCacheHits   = "CacheHits"
	MetricCacheMisses = "CacheMisses"
	MetricCacheErrors = "CacheErrors"
)

// Values of DimTier.
const (
	TierMemory   = "memory"
	TierDynamoDB = "dynamodb"
	TierValkey   = "valkey"
)

// Discovery metrics (dimensions: Service, Target).
const (
	MetricDiscoveryCalls     = "DiscoveryCalls"
	MetricDiscoveryErrors    = "DiscoveryErrors"
	MetricDiscoveryRetries   = "DiscoveryRetries"
	MetricDiscoveryRefreshes = "DiscoveryRefreshes"
	MetricBreakerOpen        = "BreakerOpen" // Count of calls refused by an open breaker
)

// Warmer metrics (dimension: Target).
const (
	MetricWarmerAsked  = "WarmerAsked"
	MetricWarmerWarmed = "WarmerWarmed"
	MetricWarmerFailed = "WarmerFailed"
	// MetricWarmerShortfall is asked minus warmed after retries.
	MetricWarmerShortfall = "WarmerShortfall"
)
