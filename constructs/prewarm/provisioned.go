package prewarm

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// Defaults of ProvisionedProps.
const (
	DefaultAliasName         = "live"
	DefaultUtilizationTarget = 0.7
)

// ProvisionedProps configures provisioned concurrency on an alias. Only
// Function is required.
type ProvisionedProps struct {
	// Function whose version the alias points to. Required.
	Function awslambda.Function
	// Version the alias points to. Default: Function.CurrentVersion(), which
	// publishes a new version when the code or configuration changes.
	// $LATEST is refused: provisioned concurrency needs a published version.
	Version awslambda.IVersion
	// AliasName of the new alias. Default: "live".
	AliasName *string
	// MinCapacity is the provisioned environments kept outside any window (and
	// the alias's initial provisioned concurrency). 0 is allowed only with
	// Windows: then environments are provisioned during the windows only.
	// Default: 1.
	MinCapacity *float64
	// MaxCapacity bounds target tracking outside any window. Default:
	// MinCapacity (no scaling outside windows).
	MaxCapacity *float64
	// UtilizationTarget is the ProvisionedConcurrencyUtilization (Maximum
	// statistic) target tracking keeps, between 0 and 1 exclusive. Tracking is
	// created only when some MaxCapacity is above its MinCapacity.
	// Default: 0.7.
	UtilizationTarget *float64
	// ScaleInCooldown and ScaleOutCooldown of target tracking.
	// Default: Application Auto Scaling's (300 s in, 0 s out for Lambda).
	ScaleInCooldown  awscdk.Duration
	ScaleOutCooldown awscdk.Duration
	// Windows are recurring periods with their own capacity, e.g. 08:00-20:00
	// on weekdays in Europe/Paris. Default: none.
	Windows *[]*Window
}

// Window is a recurring period of provisioned capacity: at Start the capacity
// becomes MinCapacity..MaxCapacity; at End it returns to the props' own.
type Window struct {
	// Start and End, e.g. awsapplicationautoscaling.Schedule_Cron(&CronOptions{Hour: "8", Minute: "0", WeekDay: "MON-FRI"}). Required.
	Start awsapplicationautoscaling.Schedule
	End   awsapplicationautoscaling.Schedule
	// TimeZone of Start and End. Default: UTC.
	TimeZone awscdk.TimeZone
	// MinCapacity during the window. Required, 1 or more.
	MinCapacity *float64
	// MaxCapacity during the window. Default: MinCapacity.
	MaxCapacity *float64
}

// Provisioned is an alias with provisioned concurrency and its scaling.
type Provisioned struct {
	constructs.Construct
	// Alias carries the provisioned concurrency; invoke and warm it, not the function.
	Alias awslambda.Alias
	// ScalableTarget is nil when the capacity is fixed (no windows, Max == Min).
	ScalableTarget awsapplicationautoscaling.ScalableTarget
	// UtilizationMetric is ProvisionedConcurrencyUtilization of the alias,
	// Maximum over one minute: the metric target tracking follows.
	UtilizationMetric awscloudwatch.Metric
}

// NewProvisioned creates the alias, its provisioned concurrency and scaling.
// Bad props panic, before anything is defined, with an error wrapping
// ErrInvalidProps that lists every problem.
func NewProvisioned(scope constructs.Construct, id *string, props *ProvisionedProps) *Provisioned {
	if props == nil {
		props = &ProvisionedProps{}
	}
	c := propcheck.For(ErrInvalidProps, scope, id)
	r := resolveProvisioned(c, props)
	c.Check()
	root := constructs.NewConstruct(scope, id)
	pc := &Provisioned{Construct: root}

	aliasProps := &awslambda.AliasProps{AliasName: jsii.String(r.aliasName), Version: r.version}
	if r.min > 0 {
		aliasProps.ProvisionedConcurrentExecutions = jsii.Number(r.min)
	}
	pc.Alias = awslambda.NewAlias(root, jsii.String("Alias"), aliasProps)

	// The alias's ARN (a Ref to the alias) names function and alias, and makes
	// the scaling depend on the alias existing.
	arnParts := awscdk.Fn_Split(jsii.String(":"), pc.Alias.FunctionArn(), nil)
	fnName, aliasName := awscdk.Fn_Select(jsii.Number(6), arnParts), awscdk.Fn_Select(jsii.Number(7), arnParts)
	pc.UtilizationMetric = awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String("AWS/Lambda"),
		MetricName: jsii.String("ProvisionedConcurrencyUtilization"),
		DimensionsMap: &map[string]*string{
			"FunctionName": fnName,
			"Resource":     awscdk.Fn_Join(jsii.String(":"), &[]*string{fnName, aliasName}),
		},
		Statistic: jsii.String("Maximum"),
		Period:    awscdk.Duration_Minutes(jsii.Number(1)),
	})
	if !r.scales() {
		return pc
	}
	pc.ScalableTarget = awsapplicationautoscaling.NewScalableTarget(root, jsii.String("ScalableTarget"), &awsapplicationautoscaling.ScalableTargetProps{
		ServiceNamespace:  awsapplicationautoscaling.ServiceNamespace_LAMBDA,
		ScalableDimension: jsii.String("lambda:function:ProvisionedConcurrency"),
		ResourceId:        awscdk.Fn_Join(jsii.String(":"), &[]*string{jsii.String("function"), fnName, aliasName}),
		MinCapacity:       jsii.Number(r.min),
		MaxCapacity:       jsii.Number(r.max),
	})
	for i, w := range r.windows {
		pc.ScalableTarget.ScaleOnSchedule(jsii.String(fmt.Sprintf("Window%dStart", i)), &awsapplicationautoscaling.ScalingSchedule{
			Schedule: w.Start, TimeZone: w.TimeZone, MinCapacity: jsii.Number(w.min), MaxCapacity: jsii.Number(w.max),
		})
		pc.ScalableTarget.ScaleOnSchedule(jsii.String(fmt.Sprintf("Window%dEnd", i)), &awsapplicationautoscaling.ScalingSchedule{
			Schedule: w.End, TimeZone: w.TimeZone, MinCapacity: jsii.Number(r.min), MaxCapacity: jsii.Number(r.max),
		})
	}
	if r.tracks() {
		// A custom metric spec, not the predefined one: the predefined
		// LambdaProvisionedConcurrencyUtilization (and CDK's scaleOnUtilization)
		// tracks the Average, which hides bursts (aws-cdk issue 23088).
		pc.ScalableTarget.ScaleToTrackMetric(jsii.String("Utilization"), &awsapplicationautoscaling.BasicTargetTrackingScalingPolicyProps{
			TargetValue:      jsii.Number(r.utilization),
			CustomMetric:     pc.UtilizationMetric,
			ScaleInCooldown:  props.ScaleInCooldown,
			ScaleOutCooldown: props.ScaleOutCooldown,
		})
	}
	constructs.NewConstruct(pc.Alias, jsii.String(provisionedMarkerID))
	return pc
}
