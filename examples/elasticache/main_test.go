package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// TestElastiCacheExample synthesizes the example as `cdk synth` would (the
// repository's cdk.json, aws-cdk-lib's template validation on, the handler
// really built) and requires it to pass cdk-nag AwsSolutions with only the
// documented suppressions, cfn-lint with only cdktest.DefaultIgnored, and the
// golden file.
func TestElastiCacheExample(t *testing.T) {
	app := cdktest.NewApp(t, cdktest.WithCDKJSON("../../cdk.json"), cdktest.WithNag())
	entry, err := filepath.Abs("handler")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := NewElastiCacheStack(app, StackName, &ElastiCacheExampleProps{
		StackProps:   awscdk.StackProps{Env: cdktest.Env()},
		Architecture: awslambda.Architecture_ARM_64(),
		HandlerEntry: entry,
	})
	if err != nil {
		t.Fatal(err)
	}
	tmplJSON := cdktest.TemplateJSON(t, ex.Stack)

	cdktest.Compliance(t, ex.Stack)
	t.Run("golden", func(t *testing.T) {
		cdktest.Golden(t, filepath.Join("testdata", StackName+".template.json"), tmplJSON)
	})

	t.Run("function is bound to the cache", func(t *testing.T) {
		tmpl := cdktest.Template(ex.Stack)
		fnID := *ex.Stack.GetLogicalId(ex.Api.Node().DefaultChild().(awscdk.CfnElement))
		fn := cdktest.Resources(t, tmpl, "AWS::Lambda::Function")[fnID]
		props := fn["Properties"].(map[string]any)
		if _, ok := props["VpcConfig"]; !ok {
			t.Errorf("the function must be in the cache's VPC")
		}
		env := props["Environment"].(map[string]any)["Variables"].(map[string]any)
		for k, v := range map[string]string{
			"LIFT_CACHE_KIND": "valkey", "LIFT_CACHE_AUTH": "iam",
			"LIFT_CACHE_SERVERLESS": "true", "LIFT_CACHE_CLUSTER": "true", "LIFT_CACHE_TLS": "true",
			"LIFT_CACHE_NAME": ex.Cache.CacheName(), "LIFT_SERVICE": "elasticache-example",
		} {
			if env[k] != v {
				t.Errorf("%s = %v, want %q", k, env[k], v)
			}
		}
		var connect int
		for _, p := range cdktest.Resources(t, tmpl, "AWS::IAM::Policy") {
			doc := p["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
			for _, s := range doc["Statement"].([]any) {
				st := s.(map[string]any)
				if reflect.DeepEqual(st["Action"], "elasticache:Connect") {
					connect++
				}
				if strings.Contains(toJSON(st["Resource"]), `"*"`) {
					t.Errorf("a statement grants on *: %v", st)
				}
			}
		}
		if connect != 1 {
			t.Errorf("want one elasticache:Connect statement, got %d", connect)
		}
	})
}

// TestArchitectureContext reads lift:architecture without synthesizing.
func TestArchitectureContext(t *testing.T) {
	for _, c := range []struct {
		value   any
		want    string
		wantErr string
	}{
		{nil, "arm64", ""},
		{"arm64", "arm64", ""},
		{"x86_64", "x86_64", ""},
		{"amd64", "", "context lift:architecture is amd64: use arm64 (default) or x86_64"},
		{7, "", "context lift:architecture is 7"},
	} {
		ctx := map[string]any{}
		if c.value != nil {
			ctx[gofunction.ArchitectureContext] = c.value
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		arch, err := gofunction.ArchitectureFromContext(app)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%v: got %v, want error %q", c.value, err, c.wantErr)
			}
		case err != nil || *arch.Name() != c.want:
			t.Errorf("%v: got %v, %v; want %s", c.value, arch, err, c.want)
		}
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
