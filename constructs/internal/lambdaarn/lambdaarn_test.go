package lambdaarn_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/lambdaarn"
)

func TestQualified(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
	fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"),
		Code: awslambda.Code_FromInline(jsii.String("exports.handler = async () => 1")),
	})
	alias := fn.AddAlias(jsii.String("live"), nil)
	resolved := func(s *string) string {
		b, err := json.Marshal(stack.Resolve(s))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	got := resolved(lambdaarn.Qualified(alias))
	if !strings.Contains(got, `"Fn::GetAtt":["Fn9270CBC0","Arn"]`) || !strings.Contains(got, `":live"`) || strings.Contains(got, "FnAliaslive") {
		t.Fatalf("alias ARN must be the function's ARN + \":live\", not the alias resource's Ref: %s", got)
	}
	if got := resolved(lambdaarn.Qualified(fn.CurrentVersion())); !strings.Contains(got, `"Ref":"FnCurrentVersion`) {
		t.Fatalf("version ARN must be the version's own ARN: %s", got)
	}
	if lambdaarn.Qualified(fn) != nil {
		t.Fatal("an unqualified function has no qualified ARN")
	}
}
