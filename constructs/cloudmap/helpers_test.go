package cloudmap_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cloudmap"
)

func TestMain(m *testing.M) {
	// These tests assert on the template, not on aws-cdk-lib's own template
	// validation, which is 65-78% of each synth's time and ~300 MB of Node memory.
	os.Setenv("CDK_VALIDATION", "false")
	os.Exit(m.Run())
}

// fixture is a stack with a namespace and helpers to add functions.
type fixture struct {
	app   awscdk.App
	stack awscdk.Stack
	ns    *cloudmap.Namespace
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := newBareFixture(t)
	f.ns = cloudmap.NewNamespace(f.stack, jsii.String("Discovery"), &cloudmap.NamespaceProps{Name: jsii.String("shop")})
	return f
}

// newBareFixture is a stack without a namespace.
func newBareFixture(t *testing.T) *fixture {
	t.Helper()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
	})
	return &fixture{app: app, stack: stack}
}

func (f *fixture) function(id string) awslambda.Function {
	return awslambda.NewFunction(f.stack, jsii.String(id), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => 'ok'")),
	})
}

// service adds a service named name with one function registered through an
// alias "live"; it returns the service and the function.
func (f *fixture) service(name string) (*cloudmap.Service, awslambda.Function, awslambda.Alias) {
	fn := f.function(name + "Fn")
	alias := fn.AddAlias(jsii.String("live"), nil)
	svc := f.ns.AddService(jsii.String(name), nil)
	svc.Register(jsii.String(name+"-live"), &cloudmap.InstanceProps{Function: fn, Alias: alias})
	return svc, fn, alias
}

func (f *fixture) template(t *testing.T) (assertions.Template, map[string]any) {
	t.Helper()
	tpl := assertions.Template_FromStack(f.stack, nil)
	raw, err := json.Marshal(tpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return tpl, m
}

// resources returns the template's resources of type typ by logical id.
func resources(tpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			props, _ := r["Properties"].(map[string]any)
			out[id] = props
		}
	}
	return out
}

// logicalID finds the one resource of typ whose logical id starts with prefix.
func logicalID(t *testing.T, tpl map[string]any, typ, prefix string) string {
	t.Helper()
	var found []string
	for id := range resources(tpl, typ) {
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s with logical id prefix %q, found %v", typ, prefix, found)
	}
	return found[0]
}

// env returns a function's environment variables.
func env(t *testing.T, tpl map[string]any, fnLogicalID string) map[string]any {
	t.Helper()
	r := tpl["Resources"].(map[string]any)[fnLogicalID].(map[string]any)
	e, _ := r["Properties"].(map[string]any)["Environment"].(map[string]any)
	vars, _ := e["Variables"].(map[string]any)
	return vars
}

// statements returns all policy statements attached to the role of the
// function with logical id prefix fnPrefix.
func statements(t *testing.T, tpl map[string]any, fnPrefix string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for id, p := range resources(tpl, "AWS::IAM::Policy") {
		if !strings.HasPrefix(id, fnPrefix+"ServiceRoleDefaultPolicy") {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
