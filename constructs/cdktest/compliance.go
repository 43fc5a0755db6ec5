package cdktest

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// Compliance runs the two checks every Lift stack must pass, as subtests of
// t: "cfn-lint" (CfnLint on the synthesized template, ignoring DefaultIgnored
// and ignore) and "cdk-nag" (RequireNagClean). The stack's app must have been
// made with WithNag.
func Compliance(t *testing.T, stack awscdk.Stack, ignore ...Ignored) {
	t.Helper()
	tmpl := TemplateJSON(t, stack)
	t.Run("cfn-lint", func(t *testing.T) { CfnLint(t, tmpl, ignore...) })
	t.Run("cdk-nag", func(t *testing.T) { RequireNagClean(t, stack) })
}
