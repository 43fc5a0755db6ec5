package cachetier_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
)

// newStack is cdktest.NewStack with the repository's cdk.json context, as
// `cdk synth` would run: its feature flags include
// @aws-cdk/core:validateAgainstDefaultRules, so aws-cdk-lib's CloudFormation
// schema validation runs on every synth here and its findings are errors.
// (The jsii kernel starts at package init, so CDK_VALIDATION cannot be changed
// from a test; this package keeps validation on deliberately: it is what caught
// CfnUser's untyped AuthenticationMode being written with lowercase keys.)
func newStack(t *testing.T, id string, opts ...cdktest.Option) (awscdk.App, awscdk.Stack) {
	t.Helper()
	return cdktest.NewStack(t, id, append([]cdktest.Option{cdktest.WithCDKJSON("../../cdk.json")}, opts...)...)
}

// newFunction is a plain Lambda function with inline code, in vpc when vpc is
// not nil: Bind must work on any awslambda.Function, not only gofunction's.
func newFunction(scope constructs.Construct, id string, vpc awsec2.IVpc) awslambda.Function {
	props := &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => 'ok';")),
	}
	if vpc != nil {
		props.Vpc = vpc
		props.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	}
	return awslambda.NewFunction(scope, jsii.String(id), props)
}

// isolatedVpc is a VPC with only isolated subnets, like the tier's own.
func isolatedVpc(scope constructs.Construct, id string) awsec2.Vpc {
	return awsec2.NewVpc(scope, jsii.String(id), &awsec2.VpcProps{
		MaxAzs:                       jsii.Number(2),
		NatGateways:                  jsii.Number(0),
		RestrictDefaultSecurityGroup: jsii.Bool(false),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name: jsii.String("private"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(24),
		}},
	})
}

// asMap round-trips a jsii value through JSON into plain Go values.
func asMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// logicalID is the stack's logical id of a CloudFormation construct.
func logicalID(stack awscdk.Stack, c constructs.IConstruct) string {
	if res, ok := c.(awscdk.CfnElement); ok {
		return *stack.GetLogicalId(res)
	}
	return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
}

func mustBind(t *testing.T, tier cachetier.Tier, fn awslambda.Function) {
	t.Helper()
	tier.Bind(fn)
}

func ref(id string) map[string]any { return map[string]any{"Ref": id} }

func getAtt(id, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// functionEnv is the Lambda function's environment variables.
func functionEnv(t *testing.T, tmpl assertions.Template, fnID string) map[string]any {
	t.Helper()
	fns := cdktest.Resources(t, tmpl, "AWS::Lambda::Function")
	fn, ok := fns[fnID]
	if !ok {
		t.Fatalf("no function %s in %v", fnID, slices.Sorted(maps.Keys(fns)))
	}
	props := asMap(t, fn["Properties"])
	env, _ := props["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	return vars
}

// roleStatements are the statements of every IAM policy attached to the
// function's execution role.
func roleStatements(t *testing.T, tmpl assertions.Template, fnID string) []map[string]any {
	t.Helper()
	fn := cdktest.Resources(t, tmpl, "AWS::Lambda::Function")[fnID]
	role := asMap(t, fn["Properties"])["Role"]
	roleRef := ref(role.(map[string]any)["Fn::GetAtt"].([]any)[0].(string))
	var out []map[string]any
	for _, p := range cdktest.Resources(t, tmpl, "AWS::IAM::Policy") {
		props := asMap(t, p["Properties"])
		attached := false
		for _, r := range props["Roles"].([]any) {
			attached = attached || reflect.DeepEqual(r, roleRef)
		}
		if !attached {
			continue
		}
		for _, s := range props["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out
}

// nagSuppressions maps rule id to reason from a resource's cdk_nag metadata.
func nagSuppressions(t *testing.T, resource map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	md, _ := resource["Metadata"].(map[string]any)
	nag, _ := md["cdk_nag"].(map[string]any)
	rules, _ := nag["rules_to_suppress"].([]any)
	for _, r := range rules {
		m := r.(map[string]any)
		out[m["id"].(string)], _ = m["reason"].(string)
	}
	return out
}
