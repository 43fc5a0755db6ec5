package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"

	"github.com/liftcdk/lift/constructs/cdktest"
)

// TestProvisionedExample synthesizes the example as `cdk synth` would (the
// repository's cdk.json, template validation on, the handler really built)
// and requires cdk-nag AwsSolutions, cfn-lint and the golden file to pass.
func TestProvisionedExample(t *testing.T) {
	app := cdktest.NewApp(t, cdktest.WithCDKJSON("../../cdk.json"), cdktest.WithNag())
	entry, err := filepath.Abs("handler")
	if err != nil {
		t.Fatal(err)
	}
	ex := NewProvisionedStack(app, StackName, &ProvisionedExampleProps{
		StackProps:   awscdk.StackProps{Env: cdktest.Env()},
		Architecture: awslambda.Architecture_ARM_64(),
		HandlerEntry: entry,
	})
	tmplJSON := cdktest.TemplateJSON(t, ex.Stack)

	cdktest.Compliance(t, ex.Stack)
	t.Run("golden", func(t *testing.T) {
		cdktest.Golden(t, filepath.Join("testdata", StackName+".template.json"), tmplJSON)
	})
	t.Run("weekday window and Maximum tracking", func(t *testing.T) {
		tmpl := cdktest.Template(ex.Stack)
		var targets, policies int
		for _, r := range cdktest.Resources(t, tmpl, "AWS::ApplicationAutoScaling::ScalableTarget") {
			targets++
			p := r["Properties"].(map[string]any)
			if p["MinCapacity"] != 1.0 || p["MaxCapacity"] != 2.0 {
				t.Errorf("base capacity = %v..%v, want 1..2", p["MinCapacity"], p["MaxCapacity"])
			}
			actions, _ := json.Marshal(p["ScheduledActions"])
			want := `[{"ScalableTargetAction":{"MaxCapacity":20,"MinCapacity":10},"Schedule":"cron(0 8 ? * MON-FRI *)","ScheduledActionName":"Window0Start","Timezone":"America/New_York"},` +
				`{"ScalableTargetAction":{"MaxCapacity":2,"MinCapacity":1},"Schedule":"cron(0 20 ? * MON-FRI *)","ScheduledActionName":"Window0End","Timezone":"America/New_York"}]`
			if string(actions) != want {
				t.Errorf("scheduled actions = %s\nwant %s", actions, want)
			}
		}
		for _, r := range cdktest.Resources(t, tmpl, "AWS::ApplicationAutoScaling::ScalingPolicy") {
			policies++
			b, _ := json.Marshal(r)
			var v struct {
				Properties struct {
					TargetTrackingScalingPolicyConfiguration struct {
						CustomizedMetricSpecification struct{ MetricName, Statistic string }
					}
				}
			}
			_ = json.Unmarshal(b, &v)
			spec := v.Properties.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification
			if spec.MetricName != "ProvisionedConcurrencyUtilization" || spec.Statistic != "Maximum" {
				t.Errorf("tracking = %+v, want ProvisionedConcurrencyUtilization Maximum", spec)
			}
		}
		if targets != 1 || policies != 1 {
			t.Errorf("scalable targets %d, policies %d; want 1 and 1", targets, policies)
		}
	})
}
