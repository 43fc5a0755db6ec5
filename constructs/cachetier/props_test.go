package cachetier_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
)

// TestBadProps: every conflicting, missing or malformed prop panics in the
// constructor with the construct path, the prop, the value and the fix, and
// the tier defines no resources.
func TestBadProps(t *testing.T) {
	_, stack := newStack(t, "Bad")
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0),
		RestrictDefaultSecurityGroup: jsii.Bool(false)})
	imported := awsdynamodb.Table_FromTableName(stack, jsii.String("Imported"), jsii.String("shared"))
	cases := []struct {
		name             string
		dynamo           *cachetier.DynamoDBProps
		elasti           *cachetier.ElastiCacheProps
		prop, value, fix string
	}{
		{"table and table props", &cachetier.DynamoDBProps{Table: imported, TableProps: &cachetier.TableProps{}}, nil,
			"DynamoDBProps.TableProps", "set with DynamoDBProps.Table Bad/Imported", "remove TableProps"},
		{"empty key attribute", &cachetier.DynamoDBProps{KeyAttribute: jsii.String("")}, nil,
			"DynamoDBProps.KeyAttribute", `""`, "must be 1-255 bytes"},
		{"key attribute the runtime refuses", &cachetier.DynamoDBProps{KeyAttribute: jsii.String("v")}, nil,
			"DynamoDBProps.KeyAttribute", `"v"`, `use another name such as "pk"`},
		{"TTL attribute the runtime refuses", &cachetier.DynamoDBProps{TTLAttribute: jsii.String("v")}, nil,
			"DynamoDBProps.TTLAttribute", `"v"`, `use another name such as "expiresAt"`},
		{"key is ttl", &cachetier.DynamoDBProps{TTLAttribute: jsii.String("pk")}, nil,
			"DynamoDBProps.TTLAttribute", `"pk"`, "they must differ"},
		{"zero timeout", &cachetier.DynamoDBProps{Timeout: awscdk.Duration_Millis(jsii.Number(0))}, nil,
			"DynamoDBProps.Timeout", "0", "positive literal duration"},
		{"no vpc", nil, &cachetier.ElastiCacheProps{},
			"ElastiCacheProps.Vpc", "unset", "CreateVpc: jsii.Bool(true)"},
		{"vpc and create vpc", nil, &cachetier.ElastiCacheProps{Vpc: vpc, CreateVpc: jsii.Bool(true)},
			"ElastiCacheProps.CreateVpc", "true with ElastiCacheProps.Vpc Bad/Vpc", "remove CreateVpc"},
		{"subnets with create vpc", nil, &cachetier.ElastiCacheProps{CreateVpc: jsii.Bool(true), VpcSubnets: &awsec2.SubnetSelection{}},
			"ElastiCacheProps.VpcSubnets", "set with CreateVpc", "remove VpcSubnets"},
		{"subnets the vpc lacks", nil, &cachetier.ElastiCacheProps{Vpc: vpc, VpcSubnets: &awsec2.SubnetSelection{SubnetGroupName: jsii.String("nope")}},
			"ElastiCacheProps.VpcSubnets", "no usable subnets in VPC Bad/Vpc", "select subnets that exist"},
		{"serverless and replication group", nil, &cachetier.ElastiCacheProps{Vpc: vpc, Serverless: &cachetier.ServerlessProps{}, ReplicationGroup: &cachetier.ReplicationGroupProps{}},
			"ElastiCacheProps.ReplicationGroup", "set with ElastiCacheProps.Serverless", "keep Serverless"},
		{"snapshot a serverless cache", nil, &cachetier.ElastiCacheProps{Vpc: vpc, RemovalPolicy: awscdk.RemovalPolicy_SNAPSHOT},
			"ElastiCacheProps.RemovalPolicy", "SNAPSHOT", "replication groups only"},
		{"unknown auth", nil, &cachetier.ElastiCacheProps{Vpc: vpc, Auth: "token"},
			"ElastiCacheProps.Auth", `"token"`, "cachetier.AuthIAM"},
		{"bad cache name", nil, &cachetier.ElastiCacheProps{Vpc: vpc, CacheName: jsii.String("Orders_Cache")},
			"ElastiCacheProps.CacheName", `"Orders_Cache"`, "at most 32"},
		{"long cache name", nil, &cachetier.ElastiCacheProps{Vpc: vpc, CacheName: jsii.String(strings.Repeat("a", 33))},
			"ElastiCacheProps.CacheName", `"aaaa`, "at most 32"},
		{"empty access string", nil, &cachetier.ElastiCacheProps{Vpc: vpc, AccessString: jsii.String("")},
			"ElastiCacheProps.AccessString", `""`, "Valkey ACL"},
		{"too many replicas", nil, &cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{ReplicasPerShard: jsii.Number(6)}},
			"ReplicationGroupProps.ReplicasPerShard", "6", "0 to 5"},
		{"bogus node type", nil, &cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{CacheNodeType: jsii.String("cache.bogus")}},
			"ReplicationGroupProps.CacheNodeType", `"cache.bogus"`, `"cache.t4g.micro"`},
		{"node type without cache. prefix", nil, &cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{CacheNodeType: jsii.String("t4g.micro")}},
			"ReplicationGroupProps.CacheNodeType", `"t4g.micro"`, "cache.<family>.<size>"},
		{"privileged port", nil, &cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{Port: jsii.Number(80)}},
			"ReplicationGroupProps.Port", "80", "1024 to 65535"},
		{"no shards", nil, &cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{NumShards: jsii.Number(0)}},
			"ReplicationGroupProps.NumShards", "0", "at least 1"},
		{"ecpu below minimum", nil, &cachetier.ElastiCacheProps{Vpc: vpc, Serverless: &cachetier.ServerlessProps{MaxECPUPerSecond: jsii.Number(10)}},
			"ServerlessProps.MaxECPUPerSecond", "10", "at least 1000"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := fmt.Sprintf("Tier%d", i)
			problems := cdktest.SynthProblems(t, cachetier.ErrInvalidProps, func() {
				if c.dynamo != nil {
					cachetier.NewDynamoDB(stack, jsii.String(id), c.dynamo)
				} else {
					cachetier.NewElastiCache(stack, jsii.String(id), c.elasti)
				}
			})
			if !cdktest.HasProblem(problems, "Bad/"+id, c.prop, c.value, c.fix) {
				t.Errorf("want Bad/%s: %s is %s: ...%s..., got %+v", id, c.prop, c.value, c.fix, problems)
			}
			if tier := stack.Node().TryFindChild(jsii.String(id)); tier != nil && len(*tier.Node().Children()) != 0 {
				t.Errorf("an invalid tier defined %d resources", len(*tier.Node().Children()))
			}
		})
	}
	t.Run("every problem of the call at once", func(t *testing.T) {
		problems := cdktest.SynthProblems(t, cachetier.ErrInvalidProps, func() {
			cachetier.NewElastiCache(stack, jsii.String("Many"), &cachetier.ElastiCacheProps{Auth: "token", CacheName: jsii.String("X")})
		})
		if len(problems) != 3 { // Vpc, Auth, CacheName
			t.Errorf("want 3 problems, got %+v", problems)
		}
	})
}

// TestBindErrors: functions outside the cache's VPC and functions bound to two
// tiers are refused with the fix; the same tier twice is fine.
func TestBindErrors(t *testing.T) {
	_, stack := newStack(t, "BindErr")
	vpc := isolatedVpc(stack, "Net")
	other := isolatedVpc(stack, "Other")
	cache := cachetier.NewElastiCache(stack, jsii.String("Cache"), &cachetier.ElastiCacheProps{Vpc: vpc})
	tableA := cachetier.NewDynamoDB(stack, jsii.String("TableA"), nil)
	tableB := cachetier.NewDynamoDB(stack, jsii.String("TableB"), nil)

	bindProblems := func(tier cachetier.Tier, fn string, vpc awsec2.IVpc) []cdktest.Problem {
		f := newFunction(stack, fn, vpc)
		return cdktest.SynthProblems(t, cachetier.ErrInvalidProps, func() { tier.Bind(f) })
	}
	if p := bindProblems(cache, "NoVpc", nil); !cdktest.HasProblem(p, "BindErr/NoVpc", "Vpc", "none", "Vpc: tier.Vpc()") {
		t.Errorf("function outside any VPC: %+v", p)
	}
	if p := bindProblems(cache, "Elsewhere", other); !cdktest.HasProblem(p, "BindErr/Elsewhere", "SecurityGroups", "BindErr/Elsewhere/SecurityGroup in another VPC", "Vpc: tier.Vpc()") {
		t.Errorf("function in another VPC: %+v", p)
	}

	both := newFunction(stack, "Both", vpc)
	mustBind(t, tableA, both)
	mustBind(t, tableA, both)
	p := cdktest.SynthProblems(t, cachetier.ErrInvalidProps, func() { cache.Bind(both) })
	if !cdktest.HasProblem(p, "BindErr/Cache", "Bind(fn)", "BindErr/Both, already bound to cache tier BindErr/TableA", "bind it to one tier only") {
		t.Errorf("second tier: %+v", p)
	}
	p = cdktest.SynthProblems(t, cachetier.ErrInvalidProps, func() { tableB.Bind(both) })
	if !cdktest.HasProblem(p, "BindErr/TableB", "Bind(fn)", "already bound to cache tier BindErr/TableA", "LIFT_CACHE_KIND") {
		t.Errorf("second table: %+v", p)
	}
}
