package cachetier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticache"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/nag"
)

// Replication group defaults.
const (
	defaultNodeType          = "cache.t4g.micro"
	defaultEngineVersion     = "8.0"
	defaultServerlessVersion = "8"
	clusterParameterGroup    = "default.valkey8.cluster.on"
)

func (e *ElastiCache) newServerlessCache(props *ElastiCacheProps) awscdk.CfnResource {
	sv := props.Serverless
	if sv == nil {
		sv = &ServerlessProps{}
	}
	version := sv.MajorEngineVersion
	if version == nil {
		version = jsii.String(defaultServerlessVersion)
	}
	cp := &awselasticache.CfnServerlessCacheProps{
		ServerlessCacheName:    jsii.String(e.name),
		Description:            jsii.String("Lift cache tier " + path(e)),
		Engine:                 jsii.String(Engine),
		MajorEngineVersion:     version,
		SecurityGroupIds:       &[]any{e.securityGroup.SecurityGroupId()},
		SubnetIds:              toAny(e.subnetIDs(props)),
		UserGroupId:            e.userGroup.Ref(),
		SnapshotRetentionLimit: sv.SnapshotRetentionLimit,
	}
	if props.EncryptionKey != nil {
		cp.KmsKeyId = props.EncryptionKey.KeyArn()
	}
	if sv.MaxDataStorageGB != nil || sv.MaxECPUPerSecond != nil {
		limits := &awselasticache.CfnServerlessCache_CacheUsageLimitsProperty{}
		if sv.MaxDataStorageGB != nil {
			limits.DataStorage = &awselasticache.CfnServerlessCache_DataStorageProperty{Unit: jsii.String("GB"), Maximum: sv.MaxDataStorageGB}
		}
		if sv.MaxECPUPerSecond != nil {
			limits.EcpuPerSecond = &awselasticache.CfnServerlessCache_ECPUPerSecondProperty{Maximum: sv.MaxECPUPerSecond}
		}
		cp.CacheUsageLimits = limits
	}
	c := awselasticache.NewCfnServerlessCache(e, jsii.String("Cache"), cp)
	e.serverlessCache = c
	e.endpoint = joinEndpoint(c.AttrEndpointAddress(), c.AttrEndpointPort())
	e.arn = c.AttrArn()
	return c
}

func (e *ElastiCache) newReplicationGroup(props *ElastiCacheProps) awscdk.CfnResource {
	rg := props.ReplicationGroup
	shards, replicas := 1.0, 1.0
	if rg.NumShards != nil {
		shards = *rg.NumShards
	}
	if rg.ReplicasPerShard != nil {
		replicas = *rg.ReplicasPerShard
	}
	e.subnetGroup = awselasticache.NewCfnSubnetGroup(e, jsii.String("SubnetGroup"), &awselasticache.CfnSubnetGroupProps{
		CacheSubnetGroupName: jsii.String(e.name),
		Description:          jsii.String("Lift cache tier " + path(e)),
		SubnetIds:            toAny(e.subnetIDs(props)),
	})
	nodeType, version := rg.CacheNodeType, rg.EngineVersion
	if nodeType == nil {
		nodeType = jsii.String(defaultNodeType)
	}
	if version == nil {
		version = jsii.String(defaultEngineVersion)
	}
	cp := &awselasticache.CfnReplicationGroupProps{
		ReplicationGroupId:          jsii.String(e.name),
		ReplicationGroupDescription: jsii.String("Lift cache tier " + path(e)),
		Engine:                      jsii.String(Engine),
		EngineVersion:               version,
		CacheNodeType:               nodeType,
		CacheSubnetGroupName:        e.subnetGroup.Ref(),
		SecurityGroupIds:            &[]*string{e.securityGroup.SecurityGroupId()},
		Port:                        jsii.Number(e.port),
		TransitEncryptionEnabled:    jsii.Bool(true),
		TransitEncryptionMode:       jsii.String("required"),
		AtRestEncryptionEnabled:     jsii.Bool(true),
		UserGroupIds:                &[]*string{e.userGroup.Ref()},
		AutoMinorVersionUpgrade:     jsii.Bool(true),
		AutomaticFailoverEnabled:    jsii.Bool(replicas > 0 || e.cluster), // cluster mode requires it
		MultiAzEnabled:              jsii.Bool(replicas > 0),
		SnapshotRetentionLimit:      rg.SnapshotRetentionLimit,
	}
	if props.EncryptionKey != nil {
		cp.KmsKeyId = props.EncryptionKey.KeyArn()
	}
	if e.cluster {
		cp.ClusterMode = jsii.String("enabled")
		cp.CacheParameterGroupName = jsii.String(clusterParameterGroup)
		cp.NumNodeGroups = jsii.Number(shards)
		cp.ReplicasPerNodeGroup = jsii.Number(replicas)
	} else {
		cp.NumCacheClusters = jsii.Number(1 + replicas)
	}
	g := awselasticache.NewCfnReplicationGroup(e, jsii.String("Cache"), cp)
	e.replicationGroup = g
	if e.cluster {
		e.endpoint = joinEndpoint(g.AttrConfigurationEndPointAddress(), g.AttrConfigurationEndPointPort())
	} else {
		e.endpoint = joinEndpoint(g.AttrPrimaryEndPointAddress(), g.AttrPrimaryEndPointPort())
	}
	e.arn = awscdk.Stack_Of(e).FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("elasticache"),
		Resource:     jsii.String("replicationgroup"),
		ResourceName: jsii.String(e.name),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	rules := []nag.Rule{{ID: "AwsSolutions-AEC6", Reason: "Clients authenticate as ElastiCache RBAC users (UserGroupIds: an IAM or " +
		"password user, the default user disabled), which supersedes the single shared AUTH token this rule looks for."}}
	if e.port == DefaultPort {
		rules = append(rules, nag.Rule{ID: "AwsSolutions-AEC5", Reason: "A non-default port is obscurity, not a control: the port is reachable " +
			"only from bound functions' security groups, over TLS, with an authenticated user. Set " +
			"cachetier.ReplicationGroupProps.Port to change it."})
	}
	nag.Suppress(g, rules...)
	return g
}

func toAny(ss *[]*string) *[]any {
	out := make([]any, 0, len(*ss))
	for _, s := range *ss {
		out = append(out, s)
	}
	return &out
}
