// Package stack defines the multiservice example's CDK stack, LiftMultiService:
// two Go services in one Cloud Map namespace, orders connected to inventory.
// The app (examples/multiservice) and the tests build it from here.
package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/constructs/gofunction"
)

const (
	// StackName is the example's only stack.
	StackName = "LiftMultiService"
	// ArchitectureContext selects the functions' architecture.
	ArchitectureContext = "lift:architecture"
	// NamespaceName is the Cloud Map HTTP namespace both services register in.
	NamespaceName = "lift-multiservice"
	// Cloud Map service names: what orders lists in LIFT_DISCOVERY_TARGETS.
	OrdersService    = "orders"
	InventoryService = "inventory"
	// AliasName is the alias each function is registered and invoked through.
	AliasName = "live"
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
	Namespace                 *cloudmap.Namespace
	Orders, Inventory         awslambda.Function
	OrdersAlias, InvAlias     awslambda.Alias
	OrdersSvc, InventorySvc   *cloudmap.Service
	OrdersInst, InventoryInst *cloudmap.Instance
}

// NewMultiServiceStack defines two services in one Cloud Map namespace:
// orders calls inventory through discovery, never through a hard-coded ARN.
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

	m.Inventory, m.InvAlias = function(stack, "Inventory", invEntry, InventoryService, props.Architecture,
		"Lift multiservice example: stock levels")
	m.InventorySvc = m.Namespace.AddService(jsii.String("InventoryService"), &cloudmap.ServiceProps{
		Name:        jsii.String(InventoryService),
		Description: jsii.String("Stock levels by SKU"),
	})
	m.InventoryInst = m.InventorySvc.Register(jsii.String("inventory-live"), &cloudmap.InstanceProps{
		Function: m.Inventory, Alias: m.InvAlias,
	})

	m.Orders, m.OrdersAlias = function(stack, "Orders", ordersEntry, OrdersService, props.Architecture,
		"Lift multiservice example: accepts orders after checking inventory")
	m.OrdersSvc = m.Namespace.AddService(jsii.String("OrdersService"), &cloudmap.ServiceProps{
		Name:        jsii.String(OrdersService),
		Description: jsii.String("Order intake"),
	})
	m.OrdersInst = m.OrdersSvc.Register(jsii.String("orders-live"), &cloudmap.InstanceProps{
		Function: m.Orders, Alias: m.OrdersAlias,
	})

	// One call: env, discovery scoped to inventory, invoke on inventory:live.
	// Errors are also construct validations, so synth fails on them anyway.
	_ = m.InventorySvc.Connect(m.Orders)

	// DiscoverInstances(Revision) has no resource-level permissions: the
	// statement's Resource must be "*"; constructs/cloudmap scopes it with the
	// servicediscovery:NamespaceName and ServiceName conditions instead.
	cdknag.NagSuppressions_AddResourceSuppressions(m.Orders.Role(), &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("servicediscovery:DiscoverInstances and DiscoverInstancesRevision support no resource-level permissions (Resource must be *); the statement is scoped by the servicediscovery:NamespaceName and servicediscovery:ServiceName conditions to inventory in this namespace"),
		AppliesTo: &[]any{jsii.String("Resource::*")},
	}}, jsii.Bool(true))

	out := func(id, desc string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: v, Description: jsii.String(desc)})
	}
	out("NamespaceName", "Cloud Map HTTP namespace of the example", m.Namespace.Name())
	out("OrdersFunctionName", "Name of the orders function (invoke it to place an order)", m.Orders.FunctionName())
	out("InventoryFunctionName", "Name of the inventory function", m.Inventory.FunctionName())
	return m
}

func function(stack awscdk.Stack, id, entry, service string, arch awslambda.Architecture, desc string) (awslambda.Function, awslambda.Alias) {
	fn := gofunction.New(stack, jsii.String(id), &gofunction.Props{
		Entry:        jsii.String(entry),
		Architecture: arch,
		ServiceName:  jsii.String(service),
		Description:  jsii.String(desc),
		MemorySize:   jsii.Number(256),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
		// A demo stack: its logs go with it. Production keeps RETAIN.
		LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	// Callers invoke the alias, never $LATEST (constructs/cloudmap refuses it).
	alias := awslambda.NewAlias(stack, jsii.String(id+"Alias"), &awslambda.AliasProps{
		AliasName: jsii.String(AliasName),
		Version:   fn.CurrentVersion(),
	})
	return fn, alias
}

// ArchitectureFromContext reads lift:architecture: arm64 (default) or x86_64.
func ArchitectureFromContext(scope constructs.Construct) (awslambda.Architecture, error) {
	v := scope.Node().TryGetContext(jsii.String(ArchitectureContext))
	if v == nil {
		return awslambda.Architecture_ARM_64(), nil
	}
	switch s, _ := v.(string); s {
	case "arm64":
		return awslambda.Architecture_ARM_64(), nil
	case "x86_64":
		return awslambda.Architecture_X86_64(), nil
	default:
		return nil, fmt.Errorf("context %s is %v: use arm64 (default) or x86_64, e.g. `cdk synth -c %s=x86_64`",
			ArchitectureContext, v, ArchitectureContext)
	}
}
