package cachetier

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
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

// subnetIDs are the cache's subnets: props.VpcSubnets, or the VPC's private
// subnets.
// A selection the VPC cannot satisfy is recorded as a prop error (CDK throws,
// which jsii turns into a panic) and yields no subnets.
func (e *ElastiCache) subnetIDs(props *ElastiCacheProps) (ids *[]*string) {
	defer func() {
		if r := recover(); r != nil {
			e.problems.addf(ErrInvalidProp, "ElastiCacheProps.VpcSubnets selects no usable subnets in VPC %s (%v): "+
				"select subnets that exist in that VPC, e.g. &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}",
				path(e.vpc), r)
			ids = &[]*string{}
		}
	}()
	return e.vpc.SelectSubnets(props.VpcSubnets).SubnetIds
}

// checkSameVpc fails when fn is not in a VPC, or (as far as the template tells)
// in another VPC than the cache's.
func (e *ElastiCache) checkSameVpc(fn awslambda.Function) error {
	fix := "create the function with Vpc: tier.Vpc() (gofunction.Props.Vpc, or awslambda.FunctionProps.Vpc) " +
		"and subnets that can reach the cache"
	if b := fn.IsBoundToVpc(); b == nil || !*b {
		return fmt.Errorf("%w: function %s is not in a VPC, so it cannot reach ElastiCache cache %s in VPC %s: %s",
			ErrNotInVpc, path(fn), e.name, path(e.vpc), fix)
	}
	want := *e.vpc.VpcId()
	for _, sg := range *fn.Connections().SecurityGroups() {
		cfn, ok := sg.Node().DefaultChild().(awsec2.CfnSecurityGroup)
		if !ok || cfn.VpcId() == nil {
			continue // imported security group: its VPC is unknown here
		}
		if got := *cfn.VpcId(); got != want {
			return fmt.Errorf("%w: function %s has security group %s in another VPC than ElastiCache cache %s (VPC %s): %s",
				ErrNotInVpc, path(fn), path(sg), e.name, path(e.vpc), fix)
		}
	}
	return nil
}
