package docs_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

// Example_tracingCollector is the collector snippet of runtime.md (section
// Tracing), compiled, not run.
func Example_tracingCollector() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)

	// The ADOT collector layer of the stack's Region, for the function's
	// architecture (arm64, gofunction's default; X86_64 takes the amd64 layer).
	collectorARN := awslambda.AdotLambdaLayerGenericVersion_LATEST().LayerArn(stack, awslambda.Architecture_ARM_64())
	service.New(stack, jsii.String("orders"), &service.Props{
		Function: &gofunction.Props{Entry: jsii.String("services/orders")},
		Tracing: &service.TracingProps{
			CollectorLayer: awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("Collector"), collectorARN),
		},
	})

	app.Synth(nil)
}
