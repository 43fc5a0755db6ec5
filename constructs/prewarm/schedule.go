package prewarm

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newSchedulerRole is assumed by EventBridge Scheduler for this account only
// (aws:SourceAccount guards against the confused deputy) and may invoke the
// warmer function and nothing else.
func newSchedulerRole(scope constructs.Construct, warmer awslambda.Function) awsiam.Role {
	stack := awscdk.Stack_Of(scope)
	role := awsiam.NewRole(scope, jsii.String("SchedulerRole"), &awsiam.RoleProps{
		Description: jsii.String("EventBridge Scheduler runs the Lift warmer"),
		AssumedBy: awsiam.NewPrincipalWithConditions(awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), nil),
			&map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}}),
	})
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("InvokeWarmer"),
		Actions:   jsii.Strings("lambda:InvokeFunction"),
		Resources: jsii.Strings(*warmer.FunctionArn()),
	}))
	return role
}

// newSchedule runs the warmer on one expression. Flexible windows are off:
// warming is about being on time.
func newSchedule(scope constructs.Construct, id string, expr awsscheduler.ScheduleExpression, warmer awslambda.Function, role awsiam.Role) awsscheduler.CfnSchedule {
	tz := "UTC"
	if z := expr.TimeZone(); z != nil {
		tz = *z.TimezoneName()
	}
	return awsscheduler.NewCfnSchedule(scope, jsii.String(id), &awsscheduler.CfnScheduleProps{
		Description:                jsii.String("Lift warmer: " + *expr.ExpressionString() + " " + tz),
		ScheduleExpression:         expr.ExpressionString(),
		ScheduleExpressionTimezone: jsii.String(tz),
		FlexibleTimeWindow:         &awsscheduler.CfnSchedule_FlexibleTimeWindowProperty{Mode: jsii.String("OFF")},
		State:                      jsii.String("ENABLED"),
		Target:                     scheduleTarget(warmer, role, "{}"),
	})
}

// scheduleTarget delivers the WarmerInput JSON to the warmer. A missed run is
// not retried: the next one is minutes away and a late warm-up is worthless.
func scheduleTarget(warmer awslambda.Function, role awsiam.Role, input string) *awsscheduler.CfnSchedule_TargetProperty {
	return &awsscheduler.CfnSchedule_TargetProperty{
		Arn:     warmer.FunctionArn(),
		RoleArn: role.RoleArn(),
		Input:   jsii.String(input),
		RetryPolicy: &awsscheduler.CfnSchedule_RetryPolicyProperty{
			MaximumRetryAttempts:     jsii.Number(0),
			MaximumEventAgeInSeconds: jsii.Number(60),
		},
	}
}
