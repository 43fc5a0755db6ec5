package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
)

const (
	// StackName is the quickstart's only stack.
	StackName = "LiftQuickstart"
	// DefaultHandlerEntry is the handler package, relative to the repository
	// root where `cdk synth` runs (cdk.json).
	DefaultHandlerEntry = "examples/quickstart/handler"
	// ArchitectureContext selects the function's architecture.
	ArchitectureContext = "lift:architecture"
)

// QuickstartProps configures the quickstart stack.
type QuickstartProps struct {
	awscdk.StackProps
	// Architecture of the function. Default: arm64.
	Architecture awslambda.Architecture
	// HandlerEntry is the handler's main package directory.
	HandlerEntry string
}

// Quickstart is the stack and what it created, so later additions (a cache
// tier bound to Api, alarms) attach to the same function.
type Quickstart struct {
	awscdk.Stack
	Api awslambda.Function
}

// NewQuickstartStack defines the quickstart: one Go function serving a JSON
// API, with outputs the local pipeline reads back.
func NewQuickstartStack(scope constructs.Construct, id string, props *QuickstartProps) *Quickstart {
	sp := props.StackProps // a copy: the caller's props are not modified
	if sp.Description == nil {
		sp.Description = jsii.String("Lift quickstart: a Go JSON API on Lambda")
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{
		Entry:        jsii.String(props.HandlerEntry),
		Architecture: props.Architecture,
		ServiceName:  jsii.String("quickstart"),
		Description:  jsii.String("Lift quickstart JSON API"),
		MemorySize:   jsii.Number(256),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
		// A demo stack: its logs go with it. Production services keep the
		// default (RETAIN).
		LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiFunctionName"), &awscdk.CfnOutputProps{
		Value:       api.FunctionName(),
		Description: jsii.String("Name of the quickstart API function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiLogGroupName"), &awscdk.CfnOutputProps{
		Value:       api.LogGroup().LogGroupName(),
		Description: jsii.String("Log group of the quickstart API function"),
	})
	return &Quickstart{Stack: stack, Api: api}
}

// architectureFromContext reads lift:architecture: arm64 (default) or x86_64.
func architectureFromContext(scope constructs.Construct) (awslambda.Architecture, error) {
	v := scope.Node().TryGetContext(jsii.String(ArchitectureContext))
	if v == nil {
		return awslambda.Architecture_ARM_64(), nil
	}
	switch s, _ := v.(string); s {
	case "arm64":
		return awslambda.Architecture_ARM_64(), nil
	case "x86_64":
		return awslambda.Architecture_X86_64(), nil
	default: // includes non-strings
		return nil, fmt.Errorf("context %s is %v: use arm64 (default) or x86_64, e.g. `cdk synth -c %s=x86_64`",
			ArchitectureContext, v, ArchitectureContext)
	}
}
