package monitoring

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticache"
	"github.com/aws/jsii-runtime-go"
)

// ReplicationGroupNodeIDs returns the cache cluster ids ElastiCache gives the
// nodes of rg (the CacheClusterId dimension of their metrics):
// "<group>-00N" without cluster mode, "<group>-000S-00N" with it.
func ReplicationGroupNodeIDs(rg awselasticache.CfnReplicationGroup) *[]*string {
	group := *rg.ReplicationGroupId()
	var ids []*string
	if rg.ClusterMode() != nil && *rg.ClusterMode() == "enabled" {
		for shard := 1; shard <= int(num(rg.NumNodeGroups(), 1)); shard++ {
			for node := 1; node <= 1+int(num(rg.ReplicasPerNodeGroup(), 0)); node++ {
				ids = append(ids, jsii.String(fmt.Sprintf("%s-%04d-%03d", group, shard, node)))
			}
		}
		return &ids
	}
	for node := 1; node <= int(num(rg.NumCacheClusters(), 1)); node++ {
		ids = append(ids, jsii.String(fmt.Sprintf("%s-%03d", group, node)))
	}
	return &ids
}

func num(v *float64, fallback float64) float64 {
	if v == nil {
		return fallback
	}
	return *v
}
