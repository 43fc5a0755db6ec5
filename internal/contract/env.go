package contract

// Environment variables set by constructs/ and read by runtime/.
const (
	// EnvService is the logical service name; it is the Service metric dimension
	// and the prefix of cache keys.
	EnvService = "LIFT_SERVICE"
	// EnvLogLevel is the slog level: debug, info, warn or error. Default info.
	EnvLogLevel = "LIFT_LOG_LEVEL"
	// EnvShutdownBudget is how long shutdown hooks may run in total after SIGTERM,
	// as a Go duration ("400ms"). Default DefaultShutdownBudget.
	EnvShutdownBudget = "LIFT_SHUTDOWN_BUDGET"
	// EnvLocalAddr is where lift.Start serves invocations when not inside Lambda.
	EnvLocalAddr = "LIFT_LOCAL_ADDR"
	// EnvMetricsNamespace overrides MetricsNamespace.
	EnvMetricsNamespace = "LIFT_METRICS_NAMESPACE"
)

// Cache tier configuration.
const (
	// EnvCacheKind selects the L2 tier: one of CacheKind*. Unset means memory only.
	EnvCacheKind = "LIFT_CACHE_KIND"
	// EnvCacheMemoryBytes bounds the in-memory tier in bytes, at least
	// MinCacheMemoryBytes; gofunction.Props.CacheMemoryBytes writes it. Unset, it
	// is DefaultCacheMemoryBytes or a quarter of the function's memory
	// (AWS_LAMBDA_FUNCTION_MEMORY_SIZE), whichever is less.
	EnvCacheMemoryBytes = "LIFT_CACHE_MEMORY_BYTES"
	// EnvCacheTimeout bounds every L2 call, as a Go duration. Default DefaultCacheTimeout.
	EnvCacheTimeout = "LIFT_CACHE_TIMEOUT"
	// EnvCacheTable is the DynamoDB table name.
	EnvCacheTable = "LIFT_CACHE_TABLE"
	// EnvCacheKeyAttribute is the table's partition key (string). Default DefaultCacheKeyAttribute.
	EnvCacheKeyAttribute = "LIFT_CACHE_KEY_ATTRIBUTE"
	// EnvCacheTTLAttribute is the table's TTL attribute (epoch seconds). Default DefaultCacheTTLAttribute.
	EnvCacheTTLAttribute = "LIFT_CACHE_TTL_ATTRIBUTE"
	// EnvCacheEndpoint is the ElastiCache endpoint as host:port.
	EnvCacheEndpoint = "LIFT_CACHE_ENDPOINT"
	// EnvCacheCluster is "true" when the endpoint speaks Redis cluster protocol
	// (always so for ElastiCache Serverless).
	EnvCacheCluster = "LIFT_CACHE_CLUSTER"
	// EnvCacheTLS is "true" for TLS in transit. Default true.
	EnvCacheTLS = "LIFT_CACHE_TLS"
	// EnvCacheAuth is one of CacheAuth*.
	EnvCacheAuth = "LIFT_CACHE_AUTH"
	// EnvCacheUser is the ElastiCache user id used for IAM or password auth.
	EnvCacheUser = "LIFT_CACHE_USER"
	// EnvCacheName is the serverless cache or replication group name that IAM
	// auth tokens are signed for.
	EnvCacheName = "LIFT_CACHE_NAME"
	// EnvCacheServerless is "true" when EnvCacheName names a serverless cache
	// (the IAM token then carries ResourceType=ServerlessCache).
	EnvCacheServerless = "LIFT_CACHE_SERVERLESS"
	// EnvCachePasswordSecretARN names the Secrets Manager secret holding the
	// password for CacheAuthPassword. The password itself is never in the environment.
	EnvCachePasswordSecretARN = "LIFT_CACHE_PASSWORD_SECRET_ARN"
)

// Values of EnvCacheKind.
const (
	CacheKindMemory   = "memory"
	CacheKindDynamoDB = "dynamodb"
	CacheKindValkey   = "valkey"
)

// Values of EnvCacheAuth.
const (
	CacheAuthIAM      = "iam"
	CacheAuthPassword = "password"
	CacheAuthNone     = "none"
)

// Cloud Map discovery configuration.
const (
	// EnvDiscoveryNamespace is the Cloud Map HTTP namespace name.
	EnvDiscoveryNamespace = "LIFT_DISCOVERY_NAMESPACE"
	// EnvDiscoveryService is this function's own Cloud Map service name.
	EnvDiscoveryService = "LIFT_DISCOVERY_SERVICE"
	// EnvDiscoveryServiceID is this function's Cloud Map service id (for health reports).
	EnvDiscoveryServiceID = "LIFT_DISCOVERY_SERVICE_ID"
	// EnvDiscoveryInstanceID is this function's Cloud Map instance id (for health reports).
	EnvDiscoveryInstanceID = "LIFT_DISCOVERY_INSTANCE_ID"
	// EnvDiscoveryTargets lists the Cloud Map service names this function may call,
	// comma separated.
	EnvDiscoveryTargets = "LIFT_DISCOVERY_TARGETS"
	// EnvDiscoveryRefresh is the revision poll interval, as a Go duration.
	// Default DefaultDiscoveryRefresh.
	EnvDiscoveryRefresh = "LIFT_DISCOVERY_REFRESH"
	// EnvDiscoveryMaxStale is how long cached instances are served during a Cloud
	// Map outage, as a Go duration. Default DefaultDiscoveryMaxStale.
	EnvDiscoveryMaxStale = "LIFT_DISCOVERY_MAX_STALE"
)

// Cloud Map instance attributes written by constructs/cloudmap and read by runtime/discovery.
const (
	AttrFunctionARN = "LIFT_FUNCTION_ARN" // qualified function ARN to invoke
	AttrAlias       = "LIFT_ALIAS"
	AttrRegion      = "LIFT_REGION"
	AttrWeight      = "LIFT_WEIGHT" // integer, relative; default 1
	AttrProtocol    = "LIFT_PROTOCOL"
	AttrURL         = "LIFT_URL" // set when the function has a URL
)

// Values of AttrProtocol.
const (
	ProtocolLambda = "lambda"
	ProtocolHTTP   = "http"
)

// EnvMode chooses how a Lift binary serves: one of Mode*. Unset, it is
// ModeLambda inside Lambda (AWS_LAMBDA_RUNTIME_API set) and ModeLocal elsewhere.
const EnvMode = "LIFT_MODE"

// Values of EnvMode.
const (
	// ModeLambda serves Lambda's Runtime API.
	ModeLambda = "lambda"
	// ModeLocal serves the RIE invocation path on EnvLocalAddr and, for
	// lift.StartHTTP, ordinary HTTP requests beside it.
	ModeLocal = "local"
	// ModeServer (lift.StartHTTP only) runs a plain HTTP server on EnvLocalAddr,
	// with health at HealthPath and graceful shutdown on SIGTERM, for containers.
	ModeServer = "server"
)

// HealthPath is where server mode answers health checks (application/health+json).
const HealthPath = "/healthz"
