package elasticache

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
)

const (
	// stackName is examples/elasticache's StackName: that package is a
	// command (package main), which a test cannot import.
	stackName  = "LiftElastiCache"
	exampleApp = "go run ./examples/elasticache"
	// The example's outputs.
	functionOutput = "ApiFunctionName"
	endpointOutput = "CacheEndpoint"
	// cachePort is the port ElastiCache Serverless serves Valkey on; 6380
	// is its reader port. The stand-in listens elsewhere: the security
	// groups are read back, not exercised.
	cachePort = 6379
)

// TestElastiCacheLocalCloud deploys examples/elasticache into the local
// cloud with `cdk deploy`, reads back through the AWS APIs what the deploy
// created, then runs the deployed function against the cache stand-in and
// stops the server mid-run.
func TestElastiCacheLocalCloud(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	c := testsvc.Deploy(t, ctx, localcloud.Options{Stack: stackName, App: exampleApp, CacheStandIn: true})

	st := c.Stack()
	fnRes, ok := resourceNamed(st, st.Outputs[functionOutput])
	if !ok || fnRes.Type != "AWS::Lambda::Function" {
		t.Fatalf("output %s = %q names no function of the stack (resources %+v)", functionOutput, st.Outputs[functionOutput], st.Resources)
	}
	fn, err := c.Function(ctx, fnRes.LogicalID)
	if err != nil {
		t.Fatal(err)
	}
	// The fail-open scenario needs these; each is the example's binding of
	// an IAM-authenticated TLS cluster cache, as deployed.
	for k, want := range map[string]string{
		contract.EnvCacheKind: contract.CacheKindValkey, contract.EnvCacheCluster: "true",
		contract.EnvCacheTLS: "true", contract.EnvCacheAuth: contract.CacheAuthIAM,
		// The cache's Endpoint attributes, resolved by the deploy to the stand-in.
		contract.EnvCacheEndpoint: c.CacheStandIn().Addr,
	} {
		if fn.Env[k] != want {
			t.Fatalf("deployed function has %s=%q, want %q (env %v)", k, fn.Env[k], want, fn.Env)
		}
	}

	// localcloud.Function has no VPC settings: ask Lambda for them.
	conf, err := lambda.NewFromConfig(c.Moto().AWSConfig()).GetFunctionConfiguration(ctx,
		&lambda.GetFunctionConfigurationInput{FunctionName: aws.String(fn.Name)})
	if err != nil {
		t.Fatalf("lambda GetFunctionConfiguration %s: %v", fn.Name, err)
	}
	if conf.VpcConfig == nil {
		t.Fatalf("function %s was deployed without a VPC configuration", fn.Name)
	}
	net := network{Subnets: conf.VpcConfig.SubnetIds, SecurityGroups: conf.VpcConfig.SecurityGroupIds}

	t.Run("stack", func(t *testing.T) { checkStack(t, c, st) })
	t.Run("function configuration", func(t *testing.T) { checkFunction(t, st, fn, net) })
	t.Run("cache users", func(t *testing.T) { checkCacheUsers(ctx, t, c, st, fn) })
	t.Run("network", func(t *testing.T) { checkNetwork(ctx, t, c, st, net) })
	t.Run("valkey outage fails open", func(t *testing.T) { failOpen(t, c, fn) })
}

// network is the function's VPC configuration as Lambda reports it.
type network struct{ Subnets, SecurityGroups []string }

func checkStack(t *testing.T, c *localcloud.Cloud, st localcloud.Stack) {
	if st.Name != stackName || st.Status != "CREATE_COMPLETE" {
		t.Fatalf("stack %s status %s", st.Name, st.Status)
	}
	// Every resource the template declares was created: besides CDK's own
	// version reporting, the example uses no type that moto (with Lift's
	// motocfn.py) skips.
	declared, err := templateResources(c)
	if err != nil {
		t.Fatal(err)
	}
	deployed := map[string]localcloud.Resource{}
	for _, r := range st.Resources {
		if r.LogicalID != "" { // moto lists the types it skipped without names
			deployed[r.LogicalID] = r
		}
	}
	for _, id := range slices.Sorted(maps.Keys(declared)) {
		r, ok := deployed[id]
		// moto gives a security group rule no id of its own; the network
		// check reads the rule back from its group.
		named := r.PhysicalID != "" || r.Type == "AWS::EC2::SecurityGroupIngress"
		if !ok || r.Status != "CREATE_COMPLETE" || r.Type != declared[id] || !named {
			t.Errorf("template resource %s (%s): deployed as %+v (found %v)", id, declared[id], r, ok)
		}
	}
	if len(deployed) != len(declared) {
		t.Errorf("stack has %d named resources, the template declares %d: %+v", len(deployed), len(declared), st.Resources)
	}
	if got, standIn := st.Outputs[endpointOutput], c.CacheStandIn().Addr; got != standIn {
		t.Errorf("output %s = %q, want the serverless cache's endpoint, the stand-in %s", endpointOutput, got, standIn)
	}
}

func checkFunction(t *testing.T, st localcloud.Stack, fn localcloud.Function, net network) {
	if fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" {
		t.Errorf("runtime %q handler %q, want provided.al2023 and bootstrap", fn.Runtime, fn.Handler)
	}
	if !slices.Equal(fn.Architectures, []string{localcloud.HostArchitecture()}) {
		t.Errorf("architectures %v, want [%s] (from -c %s)", fn.Architectures, localcloud.HostArchitecture(), localcloud.ArchitectureContext)
	}
	// IAM authentication names the user and the cache it signs for.
	if user, name := fn.Env[contract.EnvCacheUser], fn.Env[contract.EnvCacheName]; user == "" || name == "" || fn.Env[contract.EnvCacheServerless] != "true" {
		t.Errorf("%s=%q %s=%q %s=%q: IAM auth needs the user and the serverless cache's name",
			contract.EnvCacheUser, user, contract.EnvCacheName, name, contract.EnvCacheServerless, fn.Env[contract.EnvCacheServerless])
	}
	if cache := physicalIDs(st, "AWS::ElastiCache::ServerlessCache"); !slices.Equal(cache, []string{fn.Env[contract.EnvCacheName]}) {
		t.Errorf("%s=%q, the stack's serverless cache is %v", contract.EnvCacheName, fn.Env[contract.EnvCacheName], cache)
	}
	// In the cache's VPC: the stack's (isolated) subnets, its own security group.
	if got, want := slices.Sorted(slices.Values(net.Subnets)), physicalIDs(st, "AWS::EC2::Subnet"); !slices.Equal(got, want) {
		t.Errorf("function's subnets %v, want the stack's %v", got, want)
	}
	if len(net.SecurityGroups) != 1 || !slices.Contains(physicalIDs(st, "AWS::EC2::SecurityGroup"), net.SecurityGroups[0]) {
		t.Errorf("function's security groups %v, want one of the stack's %v", net.SecurityGroups, physicalIDs(st, "AWS::EC2::SecurityGroup"))
	}
}

// checkCacheUsers reads the stack's ElastiCache users back: the function's,
// authenticated by IAM, and the replacement for the engine's default user,
// switched off so that only IAM-authenticated clients get in.
func checkCacheUsers(ctx context.Context, t *testing.T, c *localcloud.Cloud, st localcloud.Stack, fn localcloud.Function) {
	q := queryClient{c.Moto()}
	ids := physicalIDs(st, "AWS::ElastiCache::User")
	if !slices.Contains(ids, fn.Env[contract.EnvCacheUser]) {
		t.Fatalf("%s=%q is not among the stack's ElastiCache users %v", contract.EnvCacheUser, fn.Env[contract.EnvCacheUser], ids)
	}
	for _, id := range ids {
		u, err := q.describeUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("user %s: name %s, engine %s, authentication %s, access %q", u.UserID, u.UserName, u.Engine, u.Authentication.Type, u.AccessString)
		if u.Engine != contract.CacheKindValkey {
			t.Errorf("user %s has engine %q, want valkey", id, u.Engine)
		}
		switch {
		case id == fn.Env[contract.EnvCacheUser]:
			if u.Authentication.Type != contract.CacheAuthIAM || !strings.HasPrefix(u.AccessString, "on ") {
				t.Errorf("the function's user %s: authentication %q, access %q; want iam and enabled", id, u.Authentication.Type, u.AccessString)
			}
		case u.UserName == "default":
			if !strings.HasPrefix(u.AccessString, "off ") {
				t.Errorf("the default user %s has access %q: want it off", id, u.AccessString)
			}
		default:
			t.Errorf("user %s (%s) is neither the function's nor the default user", id, u.UserName)
		}
	}
}

// checkNetwork reads the VPC back from EC2: the function's subnets and both
// security groups are in the stack's VPC, the subnets give no public
// addresses, and the cache's group admits only the function's group, on the
// cache port. moto records the rules; nothing enforces them locally.
func checkNetwork(ctx context.Context, t *testing.T, c *localcloud.Cloud, st localcloud.Stack, net network) {
	q := queryClient{c.Moto()}
	vpcID := physicalIDs(st, "AWS::EC2::VPC")
	vpcs, err := q.describeVpcs(ctx, vpcID...)
	if err != nil {
		t.Fatal(err)
	}
	if len(vpcs) != 1 || vpcs[0].ID != vpcID[0] {
		t.Fatalf("DescribeVpcs %v answered %+v", vpcID, vpcs)
	}
	subnets, err := q.describeSubnets(ctx, net.Subnets...)
	if err != nil {
		t.Fatal(err)
	}
	if len(subnets) != len(net.Subnets) {
		t.Fatalf("DescribeSubnets %v answered %+v", net.Subnets, subnets)
	}
	zones := map[string]bool{}
	for _, s := range subnets {
		zones[s.AvailabilityZone] = true
		if s.VpcID != vpcs[0].ID || s.MapPublicIPOnLaunch {
			t.Errorf("subnet %s: VPC %s (want %s), public IPs on launch %v", s.ID, s.VpcID, vpcs[0].ID, s.MapPublicIPOnLaunch)
		}
	}
	if len(zones) != len(subnets) {
		t.Errorf("the function's subnets %+v share availability zones", subnets)
	}

	groupIDs := physicalIDs(st, "AWS::EC2::SecurityGroup")
	groups, err := q.describeSecurityGroups(ctx, groupIDs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 {
		t.Fatalf("DescribeSecurityGroups %v answered %+v", groupIDs, groups)
	}
	var cache *securityGroup
	for i, g := range groups {
		if g.VpcID != vpcs[0].ID {
			t.Errorf("security group %s is in VPC %s, want %s", g.ID, g.VpcID, vpcs[0].ID)
		}
		if g.ID != net.SecurityGroups[0] {
			cache = &groups[i]
		}
	}
	if cache == nil {
		t.Fatalf("no security group of %v is the cache's (the function has %v)", groupIDs, net.SecurityGroups)
	}
	t.Logf("cache security group %s: ingress %+v", cache.ID, cache.Ingress)
	reaches := false
	for _, p := range cache.Ingress {
		if len(p.CIDRs)+len(p.CIDRv6s) > 0 || slices.ContainsFunc(p.Groups, func(g string) bool { return g != net.SecurityGroups[0] }) {
			t.Errorf("cache security group %s admits more than the function: %+v", cache.ID, p)
		}
		reaches = reaches || p.Protocol == "tcp" && p.FromPort <= cachePort && cachePort <= p.ToPort && slices.Contains(p.Groups, net.SecurityGroups[0])
	}
	if !reaches {
		t.Errorf("cache security group %s does not admit the function's group %s on tcp %d: ingress %+v", cache.ID, net.SecurityGroups[0], cachePort, cache.Ingress)
	}
}

// resourceNamed is the stack's resource with the physical id.
func resourceNamed(st localcloud.Stack, physicalID string) (localcloud.Resource, bool) {
	for _, r := range st.Resources {
		if physicalID != "" && r.PhysicalID == physicalID {
			return r, true
		}
	}
	return localcloud.Resource{}, false
}

// physicalIDs are the physical ids of the stack's resources of the type, sorted.
func physicalIDs(st localcloud.Stack, typ string) []string {
	var ids []string
	for _, r := range st.Resources {
		if r.Type == typ {
			ids = append(ids, r.PhysicalID)
		}
	}
	return slices.Sorted(slices.Values(ids))
}

// templateResources maps the logical ids of the resources the deploy's
// template declares to their types.
func templateResources(c *localcloud.Cloud) (map[string]string, error) {
	tpl, err := c.Template()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, r := range tpl.Resources {
		if r.Type != "AWS::CDK::Metadata" { // CDK's version reporting: moto skips it, unlisted
			out[id] = r.Type
		}
	}
	return out, nil
}
