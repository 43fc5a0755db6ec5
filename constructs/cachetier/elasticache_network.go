package cachetier

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// network settles the VPC, the cache's security group and (for a created VPC
// with password auth) the Secrets Manager endpoint.
func (e *ElastiCache) network(props *ElastiCacheProps) awsec2.IVpc {
	vpc := props.Vpc
	if vpc == nil {
		vpc = e.newVpc()
	}
	e.securityGroup = awsec2.NewSecurityGroup(e, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		Description:      jsii.String(fmt.Sprintf("Lift cache %s: Valkey port from bound functions only", e.name)),
		AllowAllOutbound: jsii.Bool(false), // the cache never opens connections
	})
	e.connections = awsec2.NewConnections(&awsec2.ConnectionsProps{
		SecurityGroups: &[]awsec2.ISecurityGroup{e.securityGroup},
		DefaultPort:    e.cachePorts(),
	})
	if props.Vpc == nil && e.auth == AuthPassword {
		e.secretsEndpoint = vpc.AddInterfaceEndpoint(jsii.String("SecretsManagerEndpoint"), &awsec2.InterfaceVpcEndpointOptions{
			Service:           awsec2.InterfaceVpcEndpointAwsService_SECRETS_MANAGER(),
			PrivateDnsEnabled: jsii.Bool(true),
			Open:              jsii.Bool(false), // Bind opens 443 to each bound function only
		})
	}
	return vpc
}

// cachePorts is the port range bound functions may reach: 6379-6380 for a
// serverless cache (writer and reader), the one node port otherwise.
func (e *ElastiCache) cachePorts() awsec2.Port {
	if e.serverless {
		return awsec2.Port_TcpRange(jsii.Number(DefaultPort), jsii.Number(ServerlessReadPort))
	}
	return awsec2.Port_Tcp(jsii.Number(e.port))
}

// newVpc creates the cache's VPC: two AZs of private isolated subnets, no NAT
// gateway, a flow log of all traffic to CloudWatch Logs kept one month.
func (e *ElastiCache) newVpc() awsec2.Vpc {
	flowLogs := awslogs.NewLogGroup(e, jsii.String("VpcFlowLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	// The first two AZs of the deploying account, resolved by CloudFormation:
	// AZ names map to different zones per account, so none is hard-coded.
	azs := awscdk.Fn_GetAzs(nil)
	return awsec2.NewVpc(e, jsii.String("Vpc"), &awsec2.VpcProps{
		AvailabilityZones: &[]*string{awscdk.Fn_Select(jsii.Number(0), azs), awscdk.Fn_Select(jsii.Number(1), azs)},
		NatGateways:       jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("cache"),
			SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED,
			CidrMask:   jsii.Number(24),
		}},
		// Nothing uses the default security group; restricting it would add a
		// custom-resource Lambda to every stack.
		RestrictDefaultSecurityGroup: jsii.Bool(false),
		FlowLogs: &map[string]*awsec2.FlowLogOptions{
			"all": {
				TrafficType: awsec2.FlowLogTrafficType_ALL,
				Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(flowLogs, nil),
			},
		},
	})
}

// subnetIDs are the cache's subnets: props.VpcSubnets (checked by
// checkSubnets), or the VPC's private subnets.
func (e *ElastiCache) subnetIDs(props *ElastiCacheProps) *[]*string {
	return e.vpc.SelectSubnets(props.VpcSubnets).SubnetIds
}

// checkSubnets refuses a selection props.Vpc cannot satisfy (CDK throws, which
// jsii turns into a panic without the prop's name).
func checkSubnets(c *propcheck.Collector, props *ElastiCacheProps) {
	defer func() {
		if r := recover(); r != nil {
			c.Add("ElastiCacheProps.VpcSubnets", propcheck.Literal(fmt.Sprintf("a selection of no usable subnets in VPC %s (%v)", path(props.Vpc), r)),
				"select subnets that exist in that VPC, e.g. &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}")
		}
	}()
	props.Vpc.SelectSubnets(props.VpcSubnets)
}

// checkSameVpc refuses fn when it is not in a VPC, or (as far as the template
// tells) in another VPC than the cache's.
func (e *ElastiCache) checkSameVpc(c *propcheck.Collector, fn awslambda.Function) {
	fix := "create the function with Vpc: tier.Vpc() (gofunction.Props.Vpc, or awslambda.FunctionProps.Vpc) " +
		"and subnets that can reach the cache"
	if b := fn.IsBoundToVpc(); b == nil || !*b {
		c.AddAt(path(fn), "Vpc", propcheck.Literal("none"), "it cannot reach ElastiCache cache %s in VPC %s: %s", e.name, path(e.vpc), fix)
		return
	}
	want := *e.vpc.VpcId()
	for _, sg := range *fn.Connections().SecurityGroups() {
		cfn, ok := sg.Node().DefaultChild().(awsec2.CfnSecurityGroup)
		if !ok || cfn.VpcId() == nil {
			continue // imported security group: its VPC is unknown here
		}
		if got := *cfn.VpcId(); got != want {
			c.AddAt(path(fn), "SecurityGroups", propcheck.Literal(path(sg)+" in another VPC"),
				"ElastiCache cache %s is in VPC %s: %s", e.name, path(e.vpc), fix)
			return
		}
	}
}
