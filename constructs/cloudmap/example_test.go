package cloudmap_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cloudmap"
)

// Two services in one namespace; orders calls inventory through discovery.
// In a Lift app the functions come from gofunction.New.
func Example() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	newFn := func(id string) awslambda.Function {
		return awslambda.NewFunction(stack, jsii.String(id), &awslambda.FunctionProps{
			Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"),
			Code: awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({})")),
		})
	}
	orders, inventory := newFn("Orders"), newFn("Inventory")

	ns := cloudmap.NewNamespace(stack, jsii.String("Discovery"), &cloudmap.NamespaceProps{Name: jsii.String("shop")})
	inventorySvc := ns.AddService(jsii.String("InventoryService"), &cloudmap.ServiceProps{Name: jsii.String("inventory")})
	inst := inventorySvc.Register(jsii.String("inventory-live"), &cloudmap.InstanceProps{
		Function: inventory,
		Alias:    inventory.AddAlias(jsii.String("live"), nil), // callers invoke the alias, never $LATEST
	})

	// One call: environment, discovery and invoke permissions.
	inventorySvc.Connect(orders)
	fmt.Println("service:", *inventorySvc.Name(), "instance:", inst.InstanceID)
	fmt.Println("created:", ns.Created != nil, inventorySvc.Service != nil, inst.Instance != nil)
	// Output:
	// service: inventory instance: inventory-live
	// created: true true true
}
