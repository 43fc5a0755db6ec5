// Package cdktest holds the helpers every construct and example test uses,
// and that users can use to test their own Lift apps: an app and a stack in a
// fixed environment, the synthesized template, golden files with stable asset
// hashes, cfn-lint and cdk-nag (AwsSolutions).
//
// It is a public package (like net/http/httptest) because examples and user
// apps live outside constructs/ and could not import an internal one.
//
// Each test binary starts one jsii kernel (~2.5 s); synthesize few apps per
// binary and share them between subtests.
package cdktest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// The fixed environment of every test stack (moto's default account too).
const (
	Account = "123456789012"
	Region  = "us-east-1"
)

// Env is the fixed test environment.
func Env() *awscdk.Environment {
	return &awscdk.Environment{Account: jsii.String(Account), Region: jsii.String(Region)}
}

type config struct {
	context map[string]any
	nag     bool
}

// Option configures NewApp.
type Option func(testing.TB, *config)

// WithContext sets one context value, as `cdk synth -c key=value` would.
func WithContext(key string, value any) Option {
	return func(_ testing.TB, c *config) { c.context[key] = value }
}

// WithCDKJSON loads the "context" of a cdk.json (feature flags and app
// settings), so a test synthesizes what `cdk synth` would.
func WithCDKJSON(path string) Option {
	return func(t testing.TB, c *config) {
		t.Helper()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("cdktest: read %s: %v", path, err)
		}
		var f struct{ Context map[string]any }
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("cdktest: parse %s: %v", path, err)
		}
		for k, v := range f.Context {
			if _, set := c.context[k]; !set {
				c.context[k] = v
			}
		}
	}
}

// WithNag adds cdk-nag's AwsSolutions checks to the app; read the findings
// with NagFindings or RequireNagClean after the stack is complete.
func WithNag() Option { return func(_ testing.TB, c *config) { c.nag = true } }

// NewApp returns an app that writes its cloud assembly under t.TempDir().
func NewApp(t testing.TB, opts ...Option) awscdk.App {
	t.Helper()
	c := &config{context: map[string]any{}}
	for _, o := range opts {
		o(t, c)
	}
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir:             jsii.String(filepath.Join(t.TempDir(), "cdk.out")),
		Context:            &c.context,
		AnalyticsReporting: jsii.Bool(false),
	})
	if c.nag {
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	}
	return app
}

// NewStack returns a new app and a stack id in the fixed environment.
func NewStack(t testing.TB, id string, opts ...Option) (awscdk.App, awscdk.Stack) {
	t.Helper()
	app := NewApp(t, opts...)
	return app, awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: Env()})
}

// Template synthesizes the stack's app (once; later calls reuse it).
func Template(stack awscdk.Stack) assertions.Template {
	return assertions.Template_FromStack(stack, &assertions.TemplateParsingOptions{SkipCyclicalDependenciesCheck: jsii.Bool(false)})
}

// TemplateJSON is the stack's template as indented JSON with sorted keys.
func TemplateJSON(t testing.TB, stack awscdk.Stack) []byte {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // keep "<String>" readable in golden files
	enc.SetIndent("", "  ")
	if err := enc.Encode(Template(stack).ToJSON()); err != nil {
		t.Fatalf("cdktest: marshal template: %v", err)
	}
	return out.Bytes()
}

// Resources returns the template's resources of one type, keyed by logical id.
func Resources(t testing.TB, tmpl assertions.Template, cfnType string) map[string]map[string]any {
	t.Helper()
	raw := tmpl.FindResources(jsii.String(cfnType), nil)
	out := map[string]map[string]any{}
	for id, v := range *raw {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("cdktest: marshal %s: %v", id, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("cdktest: unmarshal %s: %v", id, err)
		}
		out[id] = m
	}
	return out
}
