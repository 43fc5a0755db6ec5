package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/constructs/service"
)

// moduleRoot is the repository root, where cdk.json is and `cdk synth` runs.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cdk.json")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no cdk.json above the test directory")
		}
		dir = parent
	}
}

// TestQuickstart synthesizes the quickstart exactly as `cdk synth` at the root
// does (cdk.json context, cwd at the root, same stack code) once, and checks
// the template against the golden file, cfn-lint and cdk-nag AwsSolutions.
func TestQuickstart(t *testing.T) {
	golden, err := filepath.Abs(filepath.Join("testdata", StackName+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	t.Chdir(root)

	app := cdktest.NewApp(t, cdktest.WithCDKJSON(filepath.Join(root, "cdk.json")), cdktest.WithNag())
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	qs := NewQuickstartStack(app, StackName, &QuickstartProps{
		StackProps:   awscdk.StackProps{Env: cdktest.Env()},
		Architecture: arch,
		HandlerEntry: DefaultHandlerEntry,
	})
	tmpl := cdktest.Template(qs.Stack)
	raw := cdktest.TemplateJSON(t, qs.Stack)

	t.Run("function", func(t *testing.T) {
		tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(2)) // the API and the stack's warmer
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Runtime":       "provided.al2023",
			"Handler":       "bootstrap",
			"Architectures": []any{"arm64"},
			"MemorySize":    256,
			"Timeout":       10,
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				"LIFT_SERVICE": "quickstart", "LIFT_LOG_LEVEL": "info", "LIFT_CACHE_KIND": "dynamodb",
			})},
		})
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"Properties":     map[string]any{"RetentionInDays": 30},
			"DeletionPolicy": "Delete",
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Alias"), map[string]any{"Name": service.AliasName})
		tmpl.HasOutput(jsii.String("ApiFunctionName"), map[string]any{"Value": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ApiFunction"))}})
		tmpl.HasOutput(jsii.String("ApiLogGroupName"), assertions.Match_AnyValue())
		tmpl.HasOutput(jsii.String("CacheTableName"), assertions.Match_AnyValue())
	})
	t.Run("cache tier", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"BillingMode":             "PAY_PER_REQUEST",
			"TimeToLiveSpecification": map[string]any{"AttributeName": "expiresAt", "Enabled": true},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
				"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Action": []any{"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"},
				})}),
			}),
		})
	})
	t.Run("warmer and alarms", func(t *testing.T) {
		tmpl.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(1))
		tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(1))
		tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(1))
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"AlarmName": StackName + "-quickstart-" + monitoring.AlarmWarmerShortfall,
		})
	})
	t.Run("front door", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), map[string]any{"RouteKey": "$default", "AuthorizationType": "AWS_IAM"})
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
			"PayloadFormatVersion": "2.0",
			"IntegrationUri":       map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ApiLive"))},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"StageName": "$default", "AccessLogSettings": assertions.Match_ObjectLike(&map[string]any{"Format": assertions.Match_AnyValue()}),
		})
		tmpl.HasOutput(jsii.String("ApiHttpUrl"), assertions.Match_AnyValue())
		if qs.Service.URL == nil {
			t.Fatal("the service's URL is unset")
		}
		for _, key := range []string{monitoring.AlarmHTTP5xxRate, monitoring.AlarmHTTP4xxRate, monitoring.AlarmHTTPLatencyP99} {
			tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"AlarmName": StackName + "-quickstart-" + key})
		}
	})
	t.Run("golden", func(t *testing.T) { cdktest.Golden(t, golden, raw) })
	cdktest.Compliance(t, qs.Stack)
}

// TestArchitectureContext checks lift:architecture parsing without a synth.
func TestArchitectureContext(t *testing.T) {
	tests := []struct {
		value   any
		want    string
		wantErr bool
	}{
		{nil, "arm64", false},
		{"arm64", "arm64", false},
		{"x86_64", "x86_64", false},
		{"amd64", "", true},
		{"", "", true},
		{42, "", true},
	}
	for _, tt := range tests {
		var opts []cdktest.Option
		if tt.value != nil {
			opts = append(opts, cdktest.WithContext(gofunction.ArchitectureContext, tt.value))
		}
		arch, err := gofunction.ArchitectureFromContext(cdktest.NewApp(t, opts...))
		if (err != nil) != tt.wantErr {
			t.Fatalf("%v: err = %v, wantErr %v", tt.value, err, tt.wantErr)
		}
		if err == nil && *arch.Name() != tt.want {
			t.Fatalf("%v: got %s, want %s", tt.value, *arch.Name(), tt.want)
		}
		if err != nil && !contains(err.Error(), gofunction.ArchitectureContext, "x86_64", "arm64") {
			t.Fatalf("%v: error does not name the context key and the choices: %v", tt.value, err)
		}
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
