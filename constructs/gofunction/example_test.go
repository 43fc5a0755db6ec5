package gofunction_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
)

// A Go function from ./cmd/orders (relative to where `cdk synth` runs),
// built locally for arm64, with Lift's environment and a one-month log group.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)

	orders := gofunction.New(stack, jsii.String("Orders"), &gofunction.Props{
		Entry:       jsii.String("./cmd/orders"),
		ServiceName: jsii.String("orders"),
		MemorySize:  jsii.Number(512),
		Timeout:     awscdk.Duration_Seconds(jsii.Number(10)),
		Tracing:     awslambda.Tracing_ACTIVE,
		Environment: &map[string]*string{"ORDERS_TABLE": jsii.String("orders")},
	})
	// The result is a plain awslambda.Function: grant, alias, subscribe as usual.
	orders.AddAlias(jsii.String("live"), nil)
	app.Synth(nil)
}
