package gofunction

import (
	"fmt"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/bundling"
	"github.com/liftcdk/lift/constructs/internal/token"
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

// checkEnvironment is env without the values known only at deploy (tokens),
// which are named in skipped.
func checkEnvironment(env map[string]*string) (known map[string]string, skipped []string) {
	known = map[string]string{}
	for k, v := range env {
		if v == nil || token.Unresolved(v) {
			skipped = append(skipped, k)
			continue
		}
		known[k] = *v
	}
	slices.Sort(skipped)
	return known, skipped
}
