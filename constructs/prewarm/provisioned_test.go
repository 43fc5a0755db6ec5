package prewarm_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/prewarm"
)

func weekdaysAt(hour string) awsapplicationautoscaling.Schedule {
	return awsapplicationautoscaling.Schedule_Cron(&awsapplicationautoscaling.CronOptions{
		Minute: jsii.String("0"), Hour: jsii.String(hour), WeekDay: jsii.String("MON-FRI"),
	})
}

// TestProvisioned checks the alias, its provisioned concurrency, the
// scalable target with a weekday window and target tracking on the Maximum
// of ProvisionedConcurrencyUtilization; and that a fixed capacity makes no
// scaling at all.
func TestProvisioned(t *testing.T) {
	_, stack := cdktest.NewStack(t, "ProvisionedStack", cdktest.WithNag())
	api := newTarget(stack, "Api", jsii.Number(20))
	pc := prewarm.NewProvisioned(stack, jsii.String("ApiPc"), &prewarm.ProvisionedProps{
		Function:    api,
		MinCapacity: jsii.Number(2),
		MaxCapacity: jsii.Number(10),
		Windows: &[]*prewarm.Window{{
			Start: weekdaysAt("8"), End: weekdaysAt("20"), TimeZone: awscdk.TimeZone_EUROPE_PARIS(),
			MinCapacity: jsii.Number(5), MaxCapacity: jsii.Number(15),
		}},
	})
	fixed := prewarm.NewProvisioned(stack, jsii.String("WorkerPc"), &prewarm.ProvisionedProps{
		Function: newTarget(stack, "Worker", nil), AliasName: jsii.String("prod"), MinCapacity: jsii.Number(3),
	})
	if fixed.ScalableTarget != nil {
		t.Error("a fixed capacity made a scalable target")
	}
	tmpl := cdktest.Template(stack)
	apiFnID := *stack.GetLogicalId(api.Node().DefaultChild().(awscdk.CfnElement))
	aliasID := *stack.GetLogicalId(pc.Alias.Node().DefaultChild().(awscdk.CfnElement))

	t.Run("aliases", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Alias"), map[string]any{
			"Name": "live", "FunctionName": map[string]any{"Ref": apiFnID},
			"ProvisionedConcurrencyConfig": map[string]any{"ProvisionedConcurrentExecutions": 2},
			"FunctionVersion":              assertions.Match_ObjectLike(&map[string]any{"Fn::GetAtt": assertions.Match_AnyValue()}),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Alias"), map[string]any{
			"Name": "prod", "ProvisionedConcurrencyConfig": map[string]any{"ProvisionedConcurrentExecutions": 3},
		})
	})

	t.Run("scalable target and window", func(t *testing.T) {
		target := only(t, cdktest.Resources(t, tmpl, "AWS::ApplicationAutoScaling::ScalableTarget"), "scalable target")
		p := target["Properties"].(map[string]any)
		if p["MinCapacity"] != 2.0 || p["MaxCapacity"] != 10.0 || p["ScalableDimension"] != "lambda:function:ProvisionedConcurrency" || p["ServiceNamespace"] != "lambda" {
			t.Errorf("scalable target = %s", toJSON(p))
		}
		wantID := `{"Fn::Join":[":",["function",{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"` + aliasID + `"}]}]},{"Fn::Select":[7,{"Fn::Split":[":",{"Ref":"` + aliasID + `"}]}]}]]}`
		if got := toJSON(p["ResourceId"]); got != wantID {
			t.Errorf("ResourceId = %s, want %s", got, wantID)
		}
		if got := toJSON(p["ResourceId"]); !contains(got, `{"Ref":"`+aliasID+`"}`) {
			t.Errorf("ResourceId %s does not come from the alias %s (no dependency on it)", got, aliasID)
		}
		want := []any{
			map[string]any{"ScheduledActionName": "Window0Start", "Schedule": "cron(0 8 ? * MON-FRI *)", "Timezone": "Europe/Paris",
				"ScalableTargetAction": map[string]any{"MinCapacity": 5.0, "MaxCapacity": 15.0}},
			map[string]any{"ScheduledActionName": "Window0End", "Schedule": "cron(0 20 ? * MON-FRI *)", "Timezone": "Europe/Paris",
				"ScalableTargetAction": map[string]any{"MinCapacity": 2.0, "MaxCapacity": 10.0}},
		}
		if got := toJSON(p["ScheduledActions"]); got != toJSON(want) {
			t.Errorf("ScheduledActions = %s, want %s", got, toJSON(want))
		}
	})

	t.Run("target tracking on Maximum", func(t *testing.T) {
		policy := only(t, cdktest.Resources(t, tmpl, "AWS::ApplicationAutoScaling::ScalingPolicy"), "scaling policy")
		cfg := get(policy, "Properties", "TargetTrackingScalingPolicyConfiguration").(map[string]any)
		spec, _ := cfg["CustomizedMetricSpecification"].(map[string]any)
		if cfg["TargetValue"] != 0.7 || spec == nil || spec["Statistic"] != "Maximum" ||
			spec["MetricName"] != "ProvisionedConcurrencyUtilization" || spec["Namespace"] != "AWS/Lambda" {
			t.Fatalf("target tracking = %s, want a custom ProvisionedConcurrencyUtilization spec with Statistic Maximum and target 0.7", toJSON(cfg))
		}
		if _, predefined := cfg["PredefinedMetricSpecification"]; predefined {
			t.Error("predefined metric spec used: it tracks the Average (aws-cdk issue 23088)")
		}
		dims := map[string]bool{}
		for _, d := range spec["Dimensions"].([]any) {
			dims[get(d, "Name").(string)] = true
		}
		if !dims["FunctionName"] || !dims["Resource"] || len(dims) != 2 {
			t.Errorf("dimensions = %s, want FunctionName and Resource", toJSON(spec["Dimensions"]))
		}
	})

	cdktest.Compliance(t, stack)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
