package cachetier_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
)

// validationErrors runs the construct's validations, as synth does, without
// synthesizing.
func validationErrors(c constructs.IConstruct) string {
	var msgs []string
	for _, m := range *c.Node().Validate() {
		msgs = append(msgs, *m)
	}
	return strings.Join(msgs, "\n")
}

// TestBadProps: every conflicting, missing or malformed prop fails with a
// message naming the prop, the value and the fix, and creates no resources.
func TestBadProps(t *testing.T) {
	_, stack := newStack(t, "Bad")
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0),
		RestrictDefaultSecurityGroup: jsii.Bool(false)})
	imported := awsdynamodb.Table_FromTableName(stack, jsii.String("Imported"), jsii.String("shared"))
	n := 0
	dyn := func(p *cachetier.DynamoDBProps) cachetier.Tier {
		n++
		return cachetier.NewDynamoDB(stack, jsii.String(fmt.Sprintf("Dyn%d", n)), p)
	}
	ec := func(p *cachetier.ElastiCacheProps) cachetier.Tier {
		n++
		return cachetier.NewElastiCache(stack, jsii.String(fmt.Sprintf("Ec%d", n)), p)
	}
	cases := []struct {
		name     string
		tier     func() cachetier.Tier
		sentinel error
		want     []string // all must appear in the message
	}{
		{"table and table props", func() cachetier.Tier {
			return dyn(&cachetier.DynamoDBProps{Table: imported, TableProps: &cachetier.TableProps{}})
		}, cachetier.ErrConflictingProps, []string{"DynamoDBProps.Table (Bad/Imported)", "DynamoDBProps.TableProps", "remove TableProps"}},
		{"empty key attribute", func() cachetier.Tier {
			return dyn(&cachetier.DynamoDBProps{KeyAttribute: jsii.String("")})
		}, cachetier.ErrInvalidProp, []string{`DynamoDBProps.KeyAttribute is ""`, `leave it unset for "pk"`}},
		{"key is ttl", func() cachetier.Tier {
			return dyn(&cachetier.DynamoDBProps{TTLAttribute: jsii.String("pk")})
		}, cachetier.ErrInvalidProp, []string{"KeyAttribute and DynamoDBProps.TTLAttribute are both \"pk\"", "leave TTLAttribute unset"}},
		{"zero timeout", func() cachetier.Tier {
			return dyn(&cachetier.DynamoDBProps{Timeout: awscdk.Duration_Millis(jsii.Number(0))})
		}, cachetier.ErrInvalidProp, []string{"DynamoDBProps.Timeout is 0", "positive literal duration"}},
		{"no vpc", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{})
		}, cachetier.ErrMissingProp, []string{"ElastiCacheProps.Vpc is nil", "CreateVpc is false", "CreateVpc: jsii.Bool(true)"}},
		{"vpc and create vpc", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, CreateVpc: jsii.Bool(true)})
		}, cachetier.ErrConflictingProps, []string{"ElastiCacheProps.Vpc (Bad/Vpc)", "CreateVpc is true", "remove CreateVpc"}},
		{"subnets with create vpc", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{CreateVpc: jsii.Bool(true), VpcSubnets: &awsec2.SubnetSelection{}})
		}, cachetier.ErrConflictingProps, []string{"ElastiCacheProps.VpcSubnets", "remove VpcSubnets"}},
		{"serverless and replication group", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, Serverless: &cachetier.ServerlessProps{}, ReplicationGroup: &cachetier.ReplicationGroupProps{}})
		}, cachetier.ErrConflictingProps, []string{"ElastiCacheProps.Serverless and ElastiCacheProps.ReplicationGroup are both set", "keep Serverless"}},
		{"snapshot a serverless cache", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, RemovalPolicy: awscdk.RemovalPolicy_SNAPSHOT})
		}, cachetier.ErrInvalidProp, []string{"ElastiCacheProps.RemovalPolicy is SNAPSHOT", "replication groups only"}},
		{"unknown auth", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, Auth: "token"})
		}, cachetier.ErrInvalidProp, []string{`ElastiCacheProps.Auth is "token"`, "cachetier.AuthIAM"}},
		{"bad cache name", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, CacheName: jsii.String("Orders_Cache")})
		}, cachetier.ErrInvalidProp, []string{`ElastiCacheProps.CacheName is "Orders_Cache"`, "lowercase letter", "at most 32"}},
		{"long cache name", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, CacheName: jsii.String(strings.Repeat("a", 33))})
		}, cachetier.ErrInvalidProp, []string{"ElastiCacheProps.CacheName is \"aaaa", "at most 32"}},
		{"empty access string", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, AccessString: jsii.String("")})
		}, cachetier.ErrInvalidProp, []string{"ElastiCacheProps.AccessString is empty"}},
		{"too many replicas", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{ReplicasPerShard: jsii.Number(6)}})
		}, cachetier.ErrInvalidProp, []string{"ReplicationGroupProps.ReplicasPerShard is 6", "0 to 5"}},
		{"privileged port", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{Port: jsii.Number(80)}})
		}, cachetier.ErrInvalidProp, []string{"ReplicationGroupProps.Port is 80", "1024 to 65535"}},
		{"no shards", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, ReplicationGroup: &cachetier.ReplicationGroupProps{NumShards: jsii.Number(0)}})
		}, cachetier.ErrInvalidProp, []string{"ReplicationGroupProps.NumShards is 0", "at least 1"}},
		{"ecpu below minimum", func() cachetier.Tier {
			return ec(&cachetier.ElastiCacheProps{Vpc: vpc, Serverless: &cachetier.ServerlessProps{MaxECPUPerSecond: jsii.Number(10)}})
		}, cachetier.ErrInvalidProp, []string{"ServerlessProps.MaxECPUPerSecond is 10", "at least 1000"}},
	}
	t.Run("subnets the vpc lacks", func(t *testing.T) {
		tier := ec(&cachetier.ElastiCacheProps{Vpc: vpc, VpcSubnets: &awsec2.SubnetSelection{SubnetGroupName: jsii.String("nope")}})
		msg := validationErrors(tier)
		for _, w := range []string{cachetier.ErrInvalidProp.Error(), "ElastiCacheProps.VpcSubnets selects no usable subnets in VPC Bad/Vpc", "nope"} {
			if !strings.Contains(msg, w) {
				t.Errorf("message %q\n lacks %q", msg, w)
			}
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tier := c.tier()
			msg := validationErrors(tier)
			if !strings.Contains(msg, c.sentinel.Error()) {
				t.Errorf("message %q does not carry %q", msg, c.sentinel)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q\n lacks %q", msg, w)
				}
			}
			if kids := len(*tier.Node().Children()); kids != 0 {
				t.Errorf("an invalid tier created %d resources", kids)
			}
			fn := newFunction(stack, fmt.Sprintf("Fn%d", n), vpc)
			if err := tier.Bind(fn); !errors.Is(err, cachetier.ErrInvalidTier) {
				t.Errorf("Bind on an invalid tier: got %v, want ErrInvalidTier", err)
			}
		})
	}
}

// TestBadPropsFailSynth: validation errors stop app.Synth (and so `cdk synth`).
func TestBadPropsFailSynth(t *testing.T) {
	app, stack := newStack(t, "BadSynth")
	cachetier.NewElastiCache(stack, jsii.String("Cache"), &cachetier.ElastiCacheProps{})
	var got any
	func() {
		defer func() { got = recover() }()
		app.Synth(nil)
	}()
	if msg := fmt.Sprint(got); !strings.Contains(msg, "ElastiCacheProps.Vpc is nil") {
		t.Fatalf("synth with a tier missing its VPC: want a failure naming ElastiCacheProps.Vpc, got %q", msg)
	}
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

	noVpc := newFunction(stack, "NoVpc", nil)
	err := cache.Bind(noVpc)
	wantErr(t, err, cachetier.ErrNotInVpc, "BindErr/NoVpc is not in a VPC", "Vpc: tier.Vpc()")

	elsewhere := newFunction(stack, "Elsewhere", other)
	err = cache.Bind(elsewhere)
	wantErr(t, err, cachetier.ErrNotInVpc, "BindErr/Elsewhere has security group BindErr/Elsewhere/SecurityGroup in another VPC", "Vpc: tier.Vpc()")

	both := newFunction(stack, "Both", vpc)
	mustBind(t, tableA, both)
	mustBind(t, tableA, both)
	err = cache.Bind(both)
	wantErr(t, err, cachetier.ErrAlreadyBound, "cannot bind function BindErr/Both to valkey cache tier BindErr/Cache",
		"already bound to cache tier BindErr/TableA", "LIFT_CACHE_KIND", "bind it to one tier only")
	err = tableB.Bind(both)
	wantErr(t, err, cachetier.ErrAlreadyBound, "already bound to cache tier BindErr/TableA")

	// Every Bind error is also a synth error, even if the caller ignored it.
	msgs := validationErrors(cache)
	for _, w := range []string{"BindErr/NoVpc", "BindErr/Elsewhere", "BindErr/Both"} {
		if !strings.Contains(msgs, w) {
			t.Errorf("cache validation lacks the Bind error for %s:\n%s", w, msgs)
		}
	}
	if msgs := validationErrors(tableA); msgs != "" {
		t.Errorf("tableA has no errors, got %s", msgs)
	}
}

func wantErr(t *testing.T, err, sentinel error, parts ...string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("got %v, want an error wrapping %v", err, sentinel)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\n lacks %q", err, p)
		}
	}
}
