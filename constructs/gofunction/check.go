package gofunction

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/bundling"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// CheckContext is the CDK context key of the synth-time handler check: unset
// or "true" runs every built handler once with LIFT_CHECK=1 (it validates its
// handler signature, options and LIFT_* environment, then exits without
// serving) and fails the synth when it refuses to start; "false" skips it,
// e.g. `cdk synth -c lift:check=false`.
const CheckContext = bundling.CheckContext

// checkFromContext reads CheckContext: true unless it is false.
func checkFromContext(c *propcheck.Collector, scope constructs.Construct) bool {
	switch v := scope.Node().TryGetContext(jsii.String(CheckContext)); v {
	case nil, true, "true":
		return true
	case false, "false":
		return false
	default:
		c.Add("context "+CheckContext, v, "use true (default) or false, e.g. `cdk synth -c %s=false`", CheckContext)
		return false
	}
}
