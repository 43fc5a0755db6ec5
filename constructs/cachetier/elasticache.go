package cachetier

import (
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticache"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/internal/token"
	"github.com/liftcdk/lift/internal/contract"
)

// Engine is the only engine the tier provisions: Valkey, ElastiCache's
// open-source Redis OSS successor (cheaper than Redis OSS on ElastiCache, same
// protocol, so the runtime's client is the same).
const Engine = "valkey"

// Cache ports. ElastiCache Serverless serves writes on 6379 and reads from
// replicas on 6380; a replication group listens on its one port.
const (
	DefaultPort        = 6379
	ServerlessReadPort = 6380
)

// Auth selects how functions authenticate to the cache.
type Auth string

const (
	// AuthIAM (default): an ElastiCache user with IAM authentication. The
	// runtime signs a 15-minute token per connection with the function's own
	// credentials; Bind grants elasticache:Connect on the cache and the user.
	AuthIAM Auth = contract.CacheAuthIAM
	// AuthPassword: an ElastiCache user whose password is generated into a
	// Secrets Manager secret. Bind grants secretsmanager:GetSecretValue on that
	// secret only and puts only its ARN in the environment. The runtime fetches
	// the password at init, so the function needs a path to Secrets Manager: a
	// created VPC gets an interface endpoint open to bound functions only; in
	// your own VPC (Vpc) provide an endpoint or NAT yourself.
	AuthPassword Auth = contract.CacheAuthPassword
)

// ElastiCacheProps configures an ElastiCache (Valkey) cache tier.
type ElastiCacheProps struct {
	// Vpc is an existing VPC for the cache. Exactly one of Vpc and CreateVpc.
	Vpc awsec2.IVpc
	// CreateVpc creates a VPC for the cache: two AZs, private isolated subnets
	// only (no NAT gateway), a flow log kept one month. Exactly one of Vpc and
	// CreateVpc. Default: false (a VPC is never created implicitly).
	CreateVpc *bool
	// VpcSubnets places the cache's network interfaces.
	// Default: the VPC's private subnets (with egress if any, else isolated).
	VpcSubnets *awsec2.SubnetSelection
	// CacheName is the serverless cache name or replication group id (the name
	// IAM tokens are signed for): a lowercase letter, then lowercase letters,
	// digits and single hyphens, at most 32 characters (user ids append up to 8).
	// Default: derived from the construct path, unique per stack and path.
	CacheName *string
	// Serverless tunes the ElastiCache Serverless cache, which is the default.
	// Must be nil when ReplicationGroup is set.
	Serverless *ServerlessProps
	// ReplicationGroup provisions a node-based replication group instead of a
	// serverless cache. Default: nil (serverless).
	ReplicationGroup *ReplicationGroupProps
	// Auth is how functions authenticate. Default: AuthIAM.
	Auth Auth
	// AccessString is the application user's ACL. The cache is dedicated to
	// this tier, so the default grants all commands on all keys; narrow it if
	// other clients share the cache. Default: "on ~* +@all".
	AccessString *string
	// EncryptionKey encrypts data at rest with your customer-managed KMS key.
	// Default: an AWS-owned key (data at rest is always encrypted).
	EncryptionKey awskms.IKey
	// Timeout bounds every cache call the runtime makes (LIFT_CACHE_TIMEOUT).
	// Default: 100 ms.
	Timeout awscdk.Duration
	// RemovalPolicy applies to the cache when it leaves the stack.
	// Default: awscdk.RemovalPolicy_DESTROY — cache data is rebuilt by the
	// loaders. RemovalPolicy_SNAPSHOT keeps a final snapshot.
	RemovalPolicy awscdk.RemovalPolicy
}

// ServerlessProps tunes an ElastiCache Serverless cache. TLS is always on.
type ServerlessProps struct {
	// MajorEngineVersion of Valkey. Default: "8".
	MajorEngineVersion *string
	// MaxDataStorageGB caps stored data (evictions beyond it), bounding cost.
	// Default: no cap beyond the service's.
	MaxDataStorageGB *float64
	// MaxECPUPerSecond caps ElastiCache Processing Units per second (requests
	// beyond it are throttled), bounding cost. Default: no cap beyond the service's.
	MaxECPUPerSecond *float64
	// SnapshotRetentionLimit keeps daily snapshots this many days.
	// Default: 0 (none): cache data is rebuilt by the loaders.
	SnapshotRetentionLimit *float64
}

// ReplicationGroupProps tunes a node-based replication group. Transit
// encryption is required (TLS only) and data at rest is encrypted.
type ReplicationGroupProps struct {
	// CacheNodeType. Default: "cache.t4g.micro".
	CacheNodeType *string
	// EngineVersion of Valkey. Default: "8.0".
	EngineVersion *string
	// NumShards: 1 gives cluster mode disabled (one primary endpoint); more
	// gives cluster mode enabled (one configuration endpoint). Default: 1.
	NumShards *float64
	// ReplicasPerShard: with 1 or more, automatic failover and Multi-AZ are on.
	// Default: 1.
	ReplicasPerShard *float64
	// Port the nodes listen on. Default: 6379.
	Port *float64
	// SnapshotRetentionLimit keeps daily snapshots this many days. Default: 0.
	SnapshotRetentionLimit *float64
}

// ElastiCache is a cache tier on ElastiCache for Valkey.
type ElastiCache struct {
	constructs.Construct

	auth       Auth
	serverless bool
	cluster    bool
	port       float64
	name       string
	timeout    string

	vpc              awsec2.IVpc
	securityGroup    awsec2.SecurityGroup
	connections      awsec2.Connections
	secretsEndpoint  awsec2.InterfaceVpcEndpoint
	serverlessCache  awselasticache.CfnServerlessCache
	replicationGroup awselasticache.CfnReplicationGroup
	subnetGroup      awselasticache.CfnSubnetGroup
	user             awselasticache.CfnUser
	defaultUser      awselasticache.CfnUser
	userGroup        awselasticache.CfnUserGroup
	secret           awssecretsmanager.Secret
	endpoint         *string
	arn              *string
}

var _ Tier = (*ElastiCache)(nil)

// NewElastiCache creates an ElastiCache Valkey cache tier: by default a
// serverless cache with an IAM-authenticated user, in props.Vpc or a new VPC.
// Bad props panic, before any resource is defined, with an error wrapping
// ErrInvalidProps that lists every problem.
func NewElastiCache(scope constructs.Construct, id *string, props *ElastiCacheProps) *ElastiCache {
	if props == nil {
		props = &ElastiCacheProps{}
	}
	e := &ElastiCache{}
	constructs.NewConstruct_Override(e, scope, id) // the generated cache name derives from its path
	c := propcheck.New(ErrInvalidProps, path(e))
	e.checkProps(c, props)
	c.Check()
	e.vpc = e.network(props)
	e.users(props)
	var cache awscdk.CfnResource
	if e.serverless {
		cache = e.newServerlessCache(props)
	} else {
		cache = e.newReplicationGroup(props)
	}
	removal := props.RemovalPolicy
	if removal == "" {
		removal = awscdk.RemovalPolicy_DESTROY
	}
	cache.ApplyRemovalPolicy(removal, nil)
	return e
}

// checkProps validates props and settles the derived settings.
func (e *ElastiCache) checkProps(c *propcheck.Collector, props *ElastiCacheProps) {
	createVpc := props.CreateVpc != nil && *props.CreateVpc
	switch {
	case props.Vpc != nil && createVpc:
		c.Add("ElastiCacheProps.CreateVpc", propcheck.Literal("true with ElastiCacheProps.Vpc "+path(props.Vpc)),
			"remove CreateVpc to use your VPC, or remove Vpc to create one")
	case props.Vpc == nil && !createVpc:
		c.Add("ElastiCacheProps.Vpc", props.Vpc, "an ElastiCache cache lives in a VPC: set Vpc to your VPC (e.g. awsec2.Vpc_FromLookup) or set CreateVpc: jsii.Bool(true)")
	}
	if createVpc && props.VpcSubnets != nil {
		c.Add("ElastiCacheProps.VpcSubnets", propcheck.Literal("set with CreateVpc"), "the created VPC has only the cache's "+
			"isolated subnets; remove VpcSubnets, or pass your own VPC in Vpc")
	}
	if props.Vpc != nil && props.VpcSubnets != nil {
		checkSubnets(c, props)
	}

	e.serverless = props.ReplicationGroup == nil
	if props.Serverless != nil && props.ReplicationGroup != nil {
		c.Add("ElastiCacheProps.ReplicationGroup", propcheck.Literal("set with ElastiCacheProps.Serverless"),
			"a tier is one cache; keep Serverless for ElastiCache Serverless (the default) or ReplicationGroup for node-based")
	}

	switch props.Auth {
	case "":
		e.auth = AuthIAM
	case AuthIAM, AuthPassword:
		e.auth = props.Auth
	default:
		c.Add("ElastiCacheProps.Auth", string(props.Auth), "use cachetier.AuthIAM (the default) or cachetier.AuthPassword")
	}
	if s := props.AccessString; s != nil && !token.Unresolved(s) && *s == "" {
		c.Add("ElastiCacheProps.AccessString", s, "give a Valkey ACL such as \"on ~* +@all\", or leave it unset")
	}

	switch name := props.CacheName; {
	case name == nil:
		e.name = generatedCacheName(e)
	case token.Unresolved(name) || !validCacheName(*name):
		c.Add("ElastiCacheProps.CacheName", name, "give a literal name of at most %d characters: a lowercase letter, "+
			"then lowercase letters, digits and single hyphens, not ending with a hyphen (e.g. \"orders-cache\"); or leave it unset "+
			"to derive one from the construct path", maxCacheNameChars)
	default:
		e.name = *name
	}

	if e.serverless && props.RemovalPolicy == awscdk.RemovalPolicy_SNAPSHOT {
		c.Add("ElastiCacheProps.RemovalPolicy", propcheck.Literal("SNAPSHOT"), "CloudFormation supports SNAPSHOT for replication "+
			"groups only: use DESTROY (the default) or RETAIN for a serverless cache, or set ReplicationGroup")
	}
	e.timeout = timeoutValue(c, "ElastiCacheProps.Timeout", props.Timeout)
	e.port = DefaultPort
	e.cluster = e.serverless
	if rg := props.ReplicationGroup; rg != nil {
		e.checkReplicationGroup(c, rg)
	}
	if sv := props.Serverless; sv != nil {
		nonNegative(c, "ServerlessProps.MaxDataStorageGB", sv.MaxDataStorageGB, 1)
		nonNegative(c, "ServerlessProps.MaxECPUPerSecond", sv.MaxECPUPerSecond, 1000)
		nonNegative(c, "ServerlessProps.SnapshotRetentionLimit", sv.SnapshotRetentionLimit, 0)
	}
}

func (e *ElastiCache) checkReplicationGroup(c *propcheck.Collector, rg *ReplicationGroupProps) {
	nonNegative(c, "ReplicationGroupProps.NumShards", rg.NumShards, 1)
	nonNegative(c, "ReplicationGroupProps.ReplicasPerShard", rg.ReplicasPerShard, 0)
	nonNegative(c, "ReplicationGroupProps.SnapshotRetentionLimit", rg.SnapshotRetentionLimit, 0)
	if rg.ReplicasPerShard != nil && *rg.ReplicasPerShard > 5 {
		c.Add("ReplicationGroupProps.ReplicasPerShard", rg.ReplicasPerShard, "ElastiCache allows 0 to 5 replicas per shard")
	}
	if rg.NumShards != nil && *rg.NumShards > 1 {
		e.cluster = true
	}
	if t := rg.CacheNodeType; t != nil && !token.Unresolved(t) && !nodeTypePattern.MatchString(*t) {
		c.Add("ReplicationGroupProps.CacheNodeType", t, "give an ElastiCache node type, \"cache.<family>.<size>\" such as %q or \"cache.r7g.large\" "+
			"(https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html)", defaultNodeType)
	}
	if rg.Port != nil {
		if *rg.Port < 1024 || *rg.Port > 65535 || *rg.Port != float64(int(*rg.Port)) {
			c.Add("ReplicationGroupProps.Port", rg.Port, "give a whole number from 1024 to 65535, or leave it unset for %d", DefaultPort)
		} else {
			e.port = *rg.Port
		}
	}
}

// nodeTypePattern is the shape of every ElastiCache node type: cache., a
// family (t4g, r7g, m6gd, c7gn, ...) and a size (micro, large, 16xlarge, ...).
var nodeTypePattern = regexp.MustCompile(`^cache\.[a-z][0-9]+[a-z]*\.(nano|micro|small|medium|large|[0-9]*xlarge)$`)

// nonNegative checks an optional whole-number prop is at least min.
func nonNegative(c *propcheck.Collector, prop string, v *float64, min float64) {
	if v == nil {
		return
	}
	if *v < min || *v != float64(int64(*v)) {
		c.Add(prop, v, "give a whole number of at least %v, or leave it unset for the default", min)
	}
}

// Kind is "valkey", the tier's LIFT_CACHE_KIND value.
func (e *ElastiCache) Kind() string { return contract.CacheKindValkey }

// Vpc is the cache's VPC (ElastiCacheProps.Vpc or the created one). Create
// bound functions in it.
func (e *ElastiCache) Vpc() awsec2.IVpc { return e.vpc }

// SecurityGroup guards the cache; Bind adds ingress from each bound function.
func (e *ElastiCache) SecurityGroup() awsec2.SecurityGroup { return e.securityGroup }

// Connections lets other peers reach the cache port
// (e.g. Connections().AllowDefaultPortFrom(peer, nil)).
func (e *ElastiCache) Connections() awsec2.Connections { return e.connections }

// ServerlessCache is the serverless cache, or nil for a replication group.
func (e *ElastiCache) ServerlessCache() awselasticache.CfnServerlessCache { return e.serverlessCache }

// ReplicationGroup is the replication group, or nil for a serverless cache.
func (e *ElastiCache) ReplicationGroup() awselasticache.CfnReplicationGroup {
	return e.replicationGroup
}

// SubnetGroup is the replication group's subnet group, or nil for serverless.
func (e *ElastiCache) SubnetGroup() awselasticache.CfnSubnetGroup { return e.subnetGroup }

// User is the application user that bound functions authenticate as.
func (e *ElastiCache) User() awselasticache.CfnUser { return e.user }

// DefaultUser is the tier's own disabled "default" user, which a user group
// must contain; it cannot log in or run any command.
func (e *ElastiCache) DefaultUser() awselasticache.CfnUser { return e.defaultUser }

// UserGroup holds User and DefaultUser and is attached to the cache.
func (e *ElastiCache) UserGroup() awselasticache.CfnUserGroup { return e.userGroup }

// Secret holds the application user's password with AuthPassword, else nil.
func (e *ElastiCache) Secret() awssecretsmanager.Secret { return e.secret }

// SecretsManagerEndpoint is the interface endpoint created in a created VPC
// with AuthPassword (the runtime fetches the password), else nil.
func (e *ElastiCache) SecretsManagerEndpoint() awsec2.InterfaceVpcEndpoint { return e.secretsEndpoint }

// CacheName is the serverless cache name or replication group id.
func (e *ElastiCache) CacheName() string { return e.name }

// CacheArn is the cache's ARN (the resource of elasticache:Connect).
func (e *ElastiCache) CacheArn() *string { return e.arn }

// Endpoint is the cache's write endpoint as host:port (a token).
func (e *ElastiCache) Endpoint() *string { return e.endpoint }

// Serverless reports whether the cache is ElastiCache Serverless.
func (e *ElastiCache) Serverless() bool { return e.serverless }

// Auth is how functions authenticate.
func (e *ElastiCache) Auth() Auth { return e.auth }

func joinEndpoint(address, port *string) *string {
	return awscdk.Fn_Sub(jsii.String("${Address}:${Port}"), &map[string]*string{"Address": address, "Port": port})
}
