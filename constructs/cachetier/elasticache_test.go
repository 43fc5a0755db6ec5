package cachetier_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/internal/contract"
)

// TestElastiCacheServerless: the default tier (serverless Valkey, IAM auth)
// in a VPC it creates, bound to one function.
func TestElastiCacheServerless(t *testing.T) {
	_, stack := newStack(t, "Serverless")
	tier := cachetier.NewElastiCache(stack, jsii.String("Cache"), &cachetier.ElastiCacheProps{
		CreateVpc:  jsii.Bool(true),
		Serverless: &cachetier.ServerlessProps{MaxDataStorageGB: jsii.Number(5), MaxECPUPerSecond: jsii.Number(5000)},
	})
	fn := newFunction(stack, "Api", tier.Vpc())
	mustBind(t, tier, fn)
	tmpl := cdktest.Template(stack)

	cacheID, sgID := logicalID(stack, tier.ServerlessCache()), logicalID(stack, tier.SecurityGroup())
	userID, defaultUserID, groupID := logicalID(stack, tier.User()), logicalID(stack, tier.DefaultUser()), logicalID(stack, tier.UserGroup())
	fnID := logicalID(stack, fn)
	name := tier.CacheName()
	if !strings.HasPrefix(name, "serverless-cache-") || len(name) > 32 {
		t.Errorf("generated cache name %q: want a lowercase name from the construct path, at most 32 characters", name)
	}

	t.Run("serverless cache", func(t *testing.T) {
		caches := cdktest.Resources(t, tmpl, "AWS::ElastiCache::ServerlessCache")
		props := asMap(t, caches[cacheID]["Properties"])
		subnets := []any{}
		for _, s := range *tier.Vpc().IsolatedSubnets() {
			subnets = append(subnets, ref(logicalID(stack, s)))
		}
		want := map[string]any{
			"ServerlessCacheName": name,
			"Description":         "Lift cache tier Serverless/Cache",
			"Engine":              "valkey",
			"MajorEngineVersion":  "8",
			"SecurityGroupIds":    []any{getAtt(sgID, "GroupId")},
			"SubnetIds":           subnets,
			"UserGroupId":         ref(groupID),
			"CacheUsageLimits": map[string]any{
				"DataStorage":   map[string]any{"Maximum": 5.0, "Unit": "GB"},
				"ECPUPerSecond": map[string]any{"Maximum": 5000.0},
			},
		}
		if len(subnets) != 2 || !reflect.DeepEqual(props, want) {
			t.Errorf("serverless cache:\n got %v\nwant %v", props, want)
		}
		if c := caches[cacheID]; c["DeletionPolicy"] != "Delete" || c["UpdateReplacePolicy"] != "Delete" {
			t.Errorf("default removal policy: %v / %v, want Delete", c["DeletionPolicy"], c["UpdateReplacePolicy"])
		}
	})

	t.Run("users", func(t *testing.T) {
		users := cdktest.Resources(t, tmpl, "AWS::ElastiCache::User")
		app := asMap(t, users[userID]["Properties"])
		wantApp := map[string]any{
			"Engine": "valkey", "UserId": name + "-app", "UserName": name + "-app",
			"AccessString": "on ~* +@all", "AuthenticationMode": map[string]any{"Type": "iam"},
		}
		if !reflect.DeepEqual(app, wantApp) {
			t.Errorf("application user (IAM auth needs UserId == UserName):\n got %v\nwant %v", app, wantApp)
		}
		def := asMap(t, users[defaultUserID]["Properties"])
		if def["UserName"] != "default" || def["AccessString"] != "off -@all" || def["UserId"] != name+"-default" {
			t.Errorf("default user must be the tier's own, named default, disabled: %v", def)
		}
		group := asMap(t, cdktest.Resources(t, tmpl, "AWS::ElastiCache::UserGroup")[groupID]["Properties"])
		wantGroup := map[string]any{"Engine": "valkey", "UserGroupId": name + "-users", "UserIds": []any{ref(defaultUserID), ref(userID)}}
		if !reflect.DeepEqual(group, wantGroup) {
			t.Errorf("user group:\n got %v\nwant %v", group, wantGroup)
		}
	})

	t.Run("security group", func(t *testing.T) {
		assertCacheIngress(t, tmpl, sgID, 6379, 6380, logicalID(stack, (*fn.Connections().SecurityGroups())[0]))
	})

	t.Run("least privilege", func(t *testing.T) {
		stmts := roleStatements(t, tmpl, fnID)
		want := []map[string]any{{
			"Sid": "LiftCacheConnect", "Effect": "Allow", "Action": "elasticache:Connect",
			"Resource": []any{getAtt(cacheID, "ARN"), getAtt(userID, "Arn")},
		}}
		if !reflect.DeepEqual(stmts, want) {
			t.Errorf("function policy:\n got %v\nwant %v", stmts, want)
		}
	})

	t.Run("environment", func(t *testing.T) {
		want := map[string]any{
			contract.EnvCacheKind:       contract.CacheKindValkey,
			contract.EnvCacheEndpoint:   endpointSub(cacheID, "Endpoint"),
			contract.EnvCacheCluster:    "true",
			contract.EnvCacheTLS:        "true",
			contract.EnvCacheAuth:       contract.CacheAuthIAM,
			contract.EnvCacheUser:       name + "-app",
			contract.EnvCacheName:       name,
			contract.EnvCacheServerless: "true",
			contract.EnvCacheTimeout:    contract.DefaultCacheTimeout.String(),
		}
		if got := functionEnv(t, tmpl, fnID); !reflect.DeepEqual(got, want) {
			t.Errorf("environment:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("created vpc", func(t *testing.T) {
		for _, typ := range []string{"AWS::EC2::NatGateway", "AWS::EC2::InternetGateway", "AWS::EC2::VPCEndpoint", "AWS::Lambda::Function"} {
			n := len(cdktest.Resources(t, tmpl, typ))
			if want := map[bool]int{true: 1, false: 0}[typ == "AWS::Lambda::Function"]; n != want {
				t.Errorf("%s: %d, want %d (isolated subnets, no NAT, no endpoint with IAM auth, no custom resource)", typ, n, want)
			}
		}
		for id, s := range cdktest.Resources(t, tmpl, "AWS::EC2::Subnet") {
			p := asMap(t, s["Properties"])
			if p["MapPublicIpOnLaunch"] != false {
				t.Errorf("subnet %s is public", id)
			}
			if az := toJSON(t, p["AvailabilityZone"]); !strings.Contains(az, "Fn::GetAZs") {
				t.Errorf("subnet %s: AZ %s is hard-coded; want the account's own via Fn::GetAZs", id, az)
			}
		}
		tmpl.HasResourceProperties(jsii.String("AWS::EC2::FlowLog"), map[string]any{
			"ResourceId": ref(logicalID(stack, tier.Vpc())), "TrafficType": "ALL",
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	})
}

// TestElastiCacheReplicationGroup: node-based tiers in an existing VPC, one
// with password auth (cluster mode off), one sharded with IAM auth, a
// customer-managed key and a custom port.
func TestElastiCacheReplicationGroup(t *testing.T) {
	_, stack := newStack(t, "Nodes")
	vpc := isolatedVpc(stack, "Network")

	pw := cachetier.NewElastiCache(stack, jsii.String("Password"), &cachetier.ElastiCacheProps{
		Vpc:              vpc,
		CacheName:        jsii.String("orders"),
		Auth:             cachetier.AuthPassword,
		ReplicationGroup: &cachetier.ReplicationGroupProps{},
	})
	pwFn := newFunction(stack, "PasswordUser", vpc)
	mustBind(t, pw, pwFn)

	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	sharded := cachetier.NewElastiCache(stack, jsii.String("Sharded"), &cachetier.ElastiCacheProps{
		Vpc:              vpc,
		CacheName:        jsii.String("sessions"),
		EncryptionKey:    key,
		Timeout:          awscdk.Duration_Millis(jsii.Number(50)),
		ReplicationGroup: &cachetier.ReplicationGroupProps{NumShards: jsii.Number(3), Port: jsii.Number(6390)},
	})
	shardFn := newFunction(stack, "ShardUser", vpc)
	mustBind(t, sharded, shardFn)

	tmpl := cdktest.Template(stack)
	groups := cdktest.Resources(t, tmpl, "AWS::ElastiCache::ReplicationGroup")
	pwID, shardID := logicalID(stack, pw.ReplicationGroup()), logicalID(stack, sharded.ReplicationGroup())

	t.Run("replication group", func(t *testing.T) {
		props := asMap(t, groups[pwID]["Properties"])
		want := map[string]any{
			"ReplicationGroupId":          "orders",
			"ReplicationGroupDescription": "Lift cache tier Nodes/Password",
			"Engine":                      "valkey",
			"EngineVersion":               "8.0",
			"CacheNodeType":               "cache.t4g.micro",
			"CacheSubnetGroupName":        ref(logicalID(stack, pw.SubnetGroup())),
			"SecurityGroupIds":            []any{getAtt(logicalID(stack, pw.SecurityGroup()), "GroupId")},
			"Port":                        6379.0,
			"TransitEncryptionEnabled":    true,
			"TransitEncryptionMode":       "required",
			"AtRestEncryptionEnabled":     true,
			"UserGroupIds":                []any{ref(logicalID(stack, pw.UserGroup()))},
			"AutoMinorVersionUpgrade":     true,
			"AutomaticFailoverEnabled":    true,
			"MultiAZEnabled":              true,
			"NumCacheClusters":            2.0,
		}
		if !reflect.DeepEqual(props, want) {
			t.Errorf("replication group:\n got %v\nwant %v", props, want)
		}
		if rules := nagSuppressions(t, groups[pwID]); rules["AwsSolutions-AEC5"] == "" || rules["AwsSolutions-AEC6"] == "" {
			t.Errorf("default port: want AEC5 and AEC6 (RBAC, not AUTH token) suppressions with reasons, got %v", rules)
		}
		sp := asMap(t, groups[shardID]["Properties"])
		for k, v := range map[string]any{
			"ClusterMode": "enabled", "NumNodeGroups": 3.0, "ReplicasPerNodeGroup": 1.0, "Port": 6390.0,
			"CacheParameterGroupName": "default.valkey8.cluster.on", "AutomaticFailoverEnabled": true,
			"KmsKeyId": getAtt(logicalID(stack, key), "Arn"), "TransitEncryptionEnabled": true,
		} {
			if !reflect.DeepEqual(sp[k], v) {
				t.Errorf("sharded replication group %s = %v, want %v", k, sp[k], v)
			}
		}
		if _, ok := sp["NumCacheClusters"]; ok {
			t.Errorf("cluster mode sets NumNodeGroups, not NumCacheClusters")
		}
		if rules := nagSuppressions(t, groups[shardID]); len(rules) != 1 || rules["AwsSolutions-AEC6"] == "" {
			t.Errorf("custom port: only the AEC6 suppression expected, got %v", rules)
		}
		tmpl.HasResourceProperties(jsii.String("AWS::ElastiCache::SubnetGroup"), map[string]any{
			"CacheSubnetGroupName": "orders",
			"SubnetIds":            []any{ref(logicalID(stack, (*vpc.IsolatedSubnets())[0])), ref(logicalID(stack, (*vpc.IsolatedSubnets())[1]))},
		})
	})

	t.Run("password auth", func(t *testing.T) {
		secretID := logicalID(stack, pw.Secret())
		tmpl.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
			"GenerateSecretString": map[string]any{"PasswordLength": 32, "ExcludePunctuation": true},
		})
		user := asMap(t, cdktest.Resources(t, tmpl, "AWS::ElastiCache::User")[logicalID(stack, pw.User())]["Properties"])
		mode := toJSON(t, user["AuthenticationMode"])
		if !strings.Contains(mode, `"Type":"password"`) || !strings.Contains(mode, "{{resolve:secretsmanager:") || !strings.Contains(mode, secretID) {
			t.Errorf("password user must read the secret by dynamic reference: %s", mode)
		}
		stmts := roleStatements(t, tmpl, logicalID(stack, pwFn))
		want := []map[string]any{{
			"Sid": "LiftCachePassword", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": ref(secretID),
		}}
		if !reflect.DeepEqual(stmts, want) {
			t.Errorf("password function policy:\n got %v\nwant %v", stmts, want)
		}
		env := functionEnv(t, tmpl, logicalID(stack, pwFn))
		if envJSON := toJSON(t, env); strings.Contains(envJSON, "resolve:secretsmanager") || strings.Contains(envJSON, "SecretString") {
			t.Errorf("the password must never be in the environment: %s", envJSON)
		}
		wantEnv := map[string]any{
			contract.EnvCacheKind:              contract.CacheKindValkey,
			contract.EnvCacheEndpoint:          endpointSub(pwID, "PrimaryEndPoint"),
			contract.EnvCacheCluster:           "false",
			contract.EnvCacheTLS:               "true",
			contract.EnvCacheAuth:              contract.CacheAuthPassword,
			contract.EnvCacheUser:              "orders-app",
			contract.EnvCacheName:              "orders",
			contract.EnvCacheServerless:        "false",
			contract.EnvCacheTimeout:           "100ms",
			contract.EnvCachePasswordSecretARN: ref(secretID),
		}
		if !reflect.DeepEqual(env, wantEnv) {
			t.Errorf("password environment:\n got %v\nwant %v", env, wantEnv)
		}
		assertCacheIngress(t, tmpl, logicalID(stack, pw.SecurityGroup()), 6379, 6379, logicalID(stack, (*pwFn.Connections().SecurityGroups())[0]))
	})

	t.Run("iam auth on a replication group", func(t *testing.T) {
		stmts := roleStatements(t, tmpl, logicalID(stack, shardFn))
		arn := "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:sessions"
		want := []map[string]any{{
			"Sid": "LiftCacheConnect", "Effect": "Allow", "Action": "elasticache:Connect",
			"Resource": []any{arn, getAtt(logicalID(stack, sharded.User()), "Arn")},
		}}
		if !reflect.DeepEqual(stmts, want) {
			t.Errorf("sharded function policy:\n got %v\nwant %v", stmts, want)
		}
		env := functionEnv(t, tmpl, logicalID(stack, shardFn))
		wantEndpoint := endpointSub(shardID, "ConfigurationEndPoint")
		if !reflect.DeepEqual(env[contract.EnvCacheEndpoint], wantEndpoint) || env[contract.EnvCacheCluster] != "true" ||
			env[contract.EnvCacheServerless] != "false" || env[contract.EnvCacheTimeout] != "50ms" || env[contract.EnvCacheAuth] != "iam" {
			t.Errorf("sharded environment: %v", env)
		}
		assertCacheIngress(t, tmpl, logicalID(stack, sharded.SecurityGroup()), 6390, 6390, logicalID(stack, (*shardFn.Connections().SecurityGroups())[0]))
	})
}

// assertCacheIngress checks the cache security group admits exactly the
// function's security group on exactly the cache port range, and nothing else.
func assertCacheIngress(t *testing.T, tmpl assertions.Template, sgID string, from, to float64, fnSGID string) {
	t.Helper()
	sg := asMap(t, cdktest.Resources(t, tmpl, "AWS::EC2::SecurityGroup")[sgID]["Properties"])
	if _, inline := sg["SecurityGroupIngress"]; inline {
		t.Errorf("cache security group %s has inline ingress %v", sgID, sg["SecurityGroupIngress"])
	}
	var rules []map[string]any
	for _, r := range cdktest.Resources(t, tmpl, "AWS::EC2::SecurityGroupIngress") {
		p := asMap(t, r["Properties"])
		if reflect.DeepEqual(p["GroupId"], getAtt(sgID, "GroupId")) {
			rules = append(rules, p)
		}
	}
	if len(rules) != 1 {
		t.Fatalf("cache security group %s: want exactly 1 ingress rule, got %v", sgID, rules)
	}
	r := rules[0]
	if r["IpProtocol"] != "tcp" || r["FromPort"] != from || r["ToPort"] != to ||
		!reflect.DeepEqual(r["SourceSecurityGroupId"], getAtt(fnSGID, "GroupId")) || r["CidrIp"] != nil {
		t.Errorf("cache ingress: got %v, want tcp %v-%v from %s only", r, from, to, fnSGID)
	}
}

// endpointSub is the host:port the tier renders from a cache's endpoint attributes.
func endpointSub(id, attr string) map[string]any {
	return map[string]any{"Fn::Sub": []any{"${Address}:${Port}", map[string]any{
		"Address": getAtt(id, attr+".Address"), "Port": getAtt(id, attr+".Port")}}}
}
