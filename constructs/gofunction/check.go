package gofunction

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/bundling"
)

// CheckContext is the CDK context key of the synth-time handler check: unset
// or "true" runs every built handler once with LIFT_CHECK=1 (it validates its
// handler signature, options and LIFT_* environment, then exits without
// serving) and fails the synth when it refuses to start; "false" skips it,
// e.g. `cdk synth -c lift:check=false`.
const CheckContext = bundling.CheckContext

// checkFromContext reads CheckContext: true unless it is false.
func checkFromContext(scope constructs.Construct, id string) (bool, error) {
	switch v := scope.Node().TryGetContext(jsii.String(CheckContext)); v {
	case nil, true, "true":
		return true, nil
	case false, "false":
		return false, nil
	default:
		return false, fmt.Errorf("%w for construct %q:\n  - context %s is %v: use true (default) or false, e.g. `cdk synth -c %s=false`",
			ErrInvalidProps, id, CheckContext, v, CheckContext)
	}
}
