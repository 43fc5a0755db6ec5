package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

const (
	// StackName is the quickstart's only stack.
	StackName = "LiftQuickstart"
	// DefaultHandlerEntry is the handler package, relative to the repository
	// root where `cdk synth` runs (cdk.json).
	DefaultHandlerEntry = "examples/quickstart/handler"
)

// QuickstartProps configures the quickstart stack.
type QuickstartProps struct {
	awscdk.StackProps
	// Architecture of the function. Default: arm64.
	Architecture awslambda.Architecture
	// HandlerEntry is the handler's main package directory.
	HandlerEntry string
}

// Quickstart is the stack and the service it created.
type Quickstart struct {
	awscdk.Stack
	Service *service.Service
}

// NewQuickstartStack defines the quickstart: one Lift service (a Go function
// serving a JSON API on a "live" alias, behind an API Gateway HTTP API whose
// URL is the output ApiHttpUrl) with a DynamoDB cache tier, the stack's
// scheduled warmer, alarms and a dashboard, plus the outputs the local
// pipeline reads back.
func NewQuickstartStack(scope constructs.Construct, id string, props *QuickstartProps) *Quickstart {
	sp := props.StackProps // a copy: the caller's props are not modified
	if sp.Description == nil {
		sp.Description = jsii.String("Lift quickstart: a Go JSON API on Lambda")
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)
	api := service.New(stack, jsii.String("Api"), &service.Props{
		ServiceName: jsii.String("quickstart"),
		Function: &gofunction.Props{
			Entry:        jsii.String(props.HandlerEntry),
			Architecture: props.Architecture,
			Description:  jsii.String("Lift quickstart JSON API"),
			MemorySize:   jsii.Number(256),
			Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
			// A demo stack: its logs go with it. Production services keep
			// the default (RETAIN).
			LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		},
		// Memory first, then this table, then the catalog.
		DynamoDBCache: &cachetier.DynamoDBProps{},
		// The stack's warmer keeps two environments warm every 5 minutes.
		Prewarm: &service.PrewarmProps{Concurrency: jsii.Number(2)},
		// An HTTP API in front of the "live" alias: IAM auth (callers sign
		// with SigV4, e.g. curl --aws-sigv4), throttled, access-logged.
		HTTP: &frontdoor.Props{
			Kind:       frontdoor.KindHTTPAPI,
			AccessLogs: &frontdoor.AccessLogProps{RemovalPolicy: awscdk.RemovalPolicy_DESTROY},
		},
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiFunctionName"), &awscdk.CfnOutputProps{
		Value:       api.Function.FunctionName(),
		Description: jsii.String("Name of the quickstart API function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiLogGroupName"), &awscdk.CfnOutputProps{
		Value:       api.Function.LogGroup().LogGroupName(),
		Description: jsii.String("Log group of the quickstart API function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("CacheTableName"), &awscdk.CfnOutputProps{
		Value:       api.DynamoDB.Table().TableName(),
		Description: jsii.String("DynamoDB table of the quickstart's cache tier"),
	})
	return &Quickstart{Stack: stack, Service: api}
}
