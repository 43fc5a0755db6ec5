// Package stack defines the multiservice example's CDK stack, LiftMultiService:
// two Lift services (constructs/service) in one Cloud Map namespace, orders
// connected to inventory, inventory with a serverless Valkey cache in a VPC,
// alarms of both to one encrypted SNS topic.
// The app (examples/multiservice) and the tests build it from here.
package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

const (
	// StackName is the example's only stack.
	StackName = "LiftMultiService"
	// NamespaceName is the Cloud Map HTTP namespace both services register in.
	NamespaceName = "lift-multiservice"
	// Cloud Map service names: what orders lists in LIFT_DISCOVERY_TARGETS.
	OrdersService    = "orders"
	InventoryService = "inventory"
	// AliasName is the alias each function is registered and invoked through.
	AliasName = service.AliasName
)

// Handler packages, relative to the repository root where `cdk synth` runs.
const (
	DefaultOrdersEntry    = "examples/multiservice/orders"
	DefaultInventoryEntry = "examples/multiservice/inventory"
)

// MultiServiceProps configures the stack.
type MultiServiceProps struct {
	awscdk.StackProps
	// Architecture of both functions. Default: arm64.
	Architecture awslambda.Architecture
	// OrdersEntry and InventoryEntry are the handlers' main package
	// directories. Default: DefaultOrdersEntry, DefaultInventoryEntry.
	OrdersEntry, InventoryEntry string
}

// MultiService is the stack and what it created.
type MultiService struct {
	awscdk.Stack
	Namespace         *cloudmap.Namespace
	Orders, Inventory *service.Service
	// AlarmTopic receives both services' composite alarms.
	AlarmTopic awssns.Topic
	// CloudMapEndpoint lets inventory, in the cache's isolated subnets, report
	// its health to Cloud Map.
	CloudMapEndpoint awsec2.InterfaceVpcEndpoint
}

// NewMultiServiceStack defines two services in one Cloud Map namespace:
// orders calls inventory through discovery, never through a hard-coded ARN;
// inventory caches stock levels in a serverless Valkey cache in a VPC; both
// notify one encrypted SNS topic when their alarms fire.
func NewMultiServiceStack(scope constructs.Construct, id string, props *MultiServiceProps) *MultiService {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	m := &MultiService{Stack: stack}
	ordersEntry, invEntry := props.OrdersEntry, props.InventoryEntry
	if ordersEntry == "" {
		ordersEntry = DefaultOrdersEntry
	}
	if invEntry == "" {
		invEntry = DefaultInventoryEntry
	}

	m.Namespace = cloudmap.NewNamespace(stack, jsii.String("Discovery"), &cloudmap.NamespaceProps{
		Name:        jsii.String(NamespaceName),
		Description: jsii.String("Lift multiservice example: services find each other here"),
	})
	m.AlarmTopic = alarmTopic(stack)
	monitoring := &service.MonitoringProps{Topic: m.AlarmTopic}

	m.Inventory = service.New(stack, jsii.String("Inventory"), &service.Props{
		ServiceName: jsii.String(InventoryService),
		Function:    functionProps(invEntry, props.Architecture, "Lift multiservice example: stock levels, cached in Valkey"),
		ElastiCache: &cachetier.ElastiCacheProps{
			// A new VPC with isolated subnets only (no NAT gateway to pay for);
			// the service puts the function in it.
			CreateVpc: jsii.Bool(true),
			// Cost caps for an example: 1 GB of data, 1,000 ECPU/s (the minimums).
			Serverless: &cachetier.ServerlessProps{MaxDataStorageGB: jsii.Number(1), MaxECPUPerSecond: jsii.Number(1000)},
		},
		Namespace:  m.Namespace,
		Monitoring: monitoring,
	})
	m.CloudMapEndpoint = cloudMapEndpoint(stack, m.Inventory)

	m.Orders = service.New(stack, jsii.String("Orders"), &service.Props{
		ServiceName: jsii.String(OrdersService),
		Function:    functionProps(ordersEntry, props.Architecture, "Lift multiservice example: accepts orders after checking inventory"),
		Namespace:   m.Namespace,
		Monitoring:  monitoring,
	})

	// One call: env, discovery scoped to inventory, invoke on inventory:live,
	// and alarms on orders' calls to inventory.
	m.Orders.Connect(m.Inventory)

	// DiscoverInstances(Revision) has no resource-level permissions: the
	// statement's Resource must be "*"; constructs/cloudmap scopes it with the
	// servicediscovery:NamespaceName and ServiceName conditions instead.
	cdknag.NagSuppressions_AddResourceSuppressions(m.Orders.Function.Role(), &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("servicediscovery:DiscoverInstances and DiscoverInstancesRevision support no resource-level permissions (Resource must be *); the statement is scoped by the servicediscovery:NamespaceName and servicediscovery:ServiceName conditions to inventory in this namespace"),
		AppliesTo: &[]any{jsii.String("Resource::*")},
	}}, jsii.Bool(true))

	out := func(id, desc string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: v, Description: jsii.String(desc)})
	}
	out("NamespaceName", "Cloud Map HTTP namespace of the example", m.Namespace.Name())
	out("OrdersFunctionName", "Name of the orders function (invoke it to place an order)", m.Orders.Function.FunctionName())
	out("InventoryFunctionName", "Name of the inventory function", m.Inventory.Function.FunctionName())
	out("InventoryCacheEndpoint", "Serverless Valkey endpoint of inventory's cache (host:port, TLS, IAM auth)", m.Inventory.ElastiCache.Endpoint())
	out("AlarmTopicArn", "SNS topic both services' alarms notify", m.AlarmTopic.TopicArn())
	return m
}

func functionProps(entry string, arch awslambda.Architecture, desc string) *gofunction.Props {
	return &gofunction.Props{
		Entry:        jsii.String(entry),
		Architecture: arch,
		Description:  jsii.String(desc),
		MemorySize:   jsii.Number(256),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
		// A demo stack: its logs go with it. Production keeps RETAIN.
		LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	}
}

// alarmTopic is one topic for the app's alarms, encrypted with a customer
// managed key whose policy lets CloudWatch use it: alarms cannot publish to a
// topic under the AWS-managed SNS key (alias/aws/sns), whose policy admits no
// service principal.
func alarmTopic(stack awscdk.Stack) awssns.Topic {
	key := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("Encrypts the Lift multiservice alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		// A demo stack: the key goes with it (after KMS's waiting period).
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarmsToPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"), // in a key policy "*" means this key
	}), nil)
	return awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Lift multiservice alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
}

// cloudMapEndpoint gives inventory's isolated subnets a private path to the
// Cloud Map API (servicediscovery), where it reports its health with
// UpdateInstanceCustomHealthStatus. Only inventory's security group may use
// it. It needs nothing else: the cache's IAM auth token is signed locally,
// logs and EMF metrics leave through the Lambda service, and inventory calls
// no other service (so no data-servicediscovery or Lambda endpoint).
func cloudMapEndpoint(stack awscdk.Stack, inv *service.Service) awsec2.InterfaceVpcEndpoint {
	ep := awsec2.NewInterfaceVpcEndpoint(stack, jsii.String("CloudMapEndpoint"), &awsec2.InterfaceVpcEndpointProps{
		Vpc:               inv.ElastiCache.Vpc(),
		Service:           awsec2.InterfaceVpcEndpointAwsService_CLOUD_MAP_SERVICE_DISCOVERY(),
		Subnets:           &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		PrivateDnsEnabled: jsii.Bool(true),
		Open:              jsii.Bool(false), // not the whole VPC: only inventory, below
	})
	ep.Connections().AllowDefaultPortFrom(inv.Function, jsii.String("inventory reports its health to Cloud Map"))
	return ep
}
