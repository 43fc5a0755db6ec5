package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/prewarm"
)

const (
	// StackName is the example's only stack.
	StackName = "LiftProvisioned"
	// DefaultHandlerEntry is the handler package, relative to the repository
	// root where `cdk synth` runs.
	DefaultHandlerEntry = "examples/provisioned/handler"
)

// ProvisionedExampleProps configures the example stack.
type ProvisionedExampleProps struct {
	awscdk.StackProps
	// Architecture of the function. Default: arm64.
	Architecture awslambda.Architecture
	// HandlerEntry is the handler's main package directory.
	HandlerEntry string
}

// ProvisionedExample is the stack and what it created.
type ProvisionedExample struct {
	awscdk.Stack
	Api         awslambda.Function
	Provisioned *prewarm.Provisioned
}

// weekdays is a cron at hour:00, Monday to Friday.
func weekdays(hour string) awsapplicationautoscaling.Schedule {
	return awsapplicationautoscaling.Schedule_Cron(&awsapplicationautoscaling.CronOptions{
		Minute: jsii.String("0"), Hour: jsii.String(hour), WeekDay: jsii.String("MON-FRI"),
	})
}

// NewProvisionedStack defines the example: one Go function and its "live"
// alias with provisioned concurrency (invoke the alias, never the function).
func NewProvisionedStack(scope constructs.Construct, id string, props *ProvisionedExampleProps) *ProvisionedExample {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{
		Entry:        jsii.String(props.HandlerEntry),
		Architecture: props.Architecture,
		ServiceName:  jsii.String("provisioned-example"),
		Description:  jsii.String("Lift provisioned-concurrency example: greetings from pre-initialized environments"),
		MemorySize:   jsii.Number(512),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(10)),
		// An example stack: its logs go with it.
		LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	pc := prewarm.NewProvisioned(stack, jsii.String("ApiProvisioned"), &prewarm.ProvisionedProps{
		Function:    api,
		MinCapacity: jsii.Number(1),
		MaxCapacity: jsii.Number(2),
		Windows: &[]*prewarm.Window{{
			Start:       weekdays("8"),
			End:         weekdays("20"),
			TimeZone:    awscdk.TimeZone_AMERICA_NEW_YORK(),
			MinCapacity: jsii.Number(10),
			MaxCapacity: jsii.Number(20),
		}},
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiAliasArn"), &awscdk.CfnOutputProps{
		Value:       pc.Alias.FunctionArn(),
		Description: jsii.String("Invoke this qualified ARN: the alias carries the provisioned concurrency"),
	})
	return &ProvisionedExample{Stack: stack, Api: api, Provisioned: pc}
}
