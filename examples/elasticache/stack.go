package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/gofunction"
)

const (
	// StackName is the example's only stack.
	StackName = "LiftElastiCache"
	// DefaultHandlerEntry is the handler package, relative to the repository
	// root where `cdk synth` runs.
	DefaultHandlerEntry = "examples/elasticache/handler"
)

// ElastiCacheExampleProps configures the example stack.
type ElastiCacheExampleProps struct {
	awscdk.StackProps
	// Architecture of the function. Default: arm64.
	Architecture awslambda.Architecture
	// HandlerEntry is the handler's main package directory.
	HandlerEntry string
}

// ElastiCacheExample is the stack and what it created.
type ElastiCacheExample struct {
	awscdk.Stack
	Cache *cachetier.ElastiCache
	Api   awslambda.Function
}

// NewElastiCacheStack defines the example: a serverless Valkey cache in a new
// VPC (isolated subnets, no NAT) and one Go function in that VPC bound to it.
func NewElastiCacheStack(scope constructs.Construct, id string, props *ElastiCacheExampleProps) (*ElastiCacheExample, error) {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)

	cache := cachetier.NewElastiCache(stack, jsii.String("Cache"), &cachetier.ElastiCacheProps{
		CreateVpc: jsii.Bool(true),
		// Cost caps for an example: 1 GB of data, 1,000 ECPU/s (the minimums).
		Serverless: &cachetier.ServerlessProps{MaxDataStorageGB: jsii.Number(1), MaxECPUPerSecond: jsii.Number(1000)},
	})
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{
		Entry:        jsii.String(props.HandlerEntry),
		Architecture: props.Architecture,
		ServiceName:  jsii.String("elasticache-example"),
		Description:  jsii.String("Lift ElastiCache example: greetings cached in Valkey"),
		MemorySize:   jsii.Number(256),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
		Vpc:          cache.Vpc(),
		VpcSubnets:   &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		// An example stack: its logs go with it.
		LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	cache.Bind(api)

	awscdk.NewCfnOutput(stack, jsii.String("ApiFunctionName"), &awscdk.CfnOutputProps{
		Value:       api.FunctionName(),
		Description: jsii.String("Name of the example function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("CacheEndpoint"), &awscdk.CfnOutputProps{
		Value:       cache.Endpoint(),
		Description: jsii.String("Serverless Valkey endpoint (host:port, TLS, IAM auth)"),
	})
	return &ElastiCacheExample{Stack: stack, Cache: cache, Api: api}, nil
}
