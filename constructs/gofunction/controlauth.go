package gofunction

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/controltoken"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// Values of Props.ControlAuth.
const (
	// ControlAuthOptional answers control events without a valid token too,
	// but caps their warm-up hold and answers health with names and statuses
	// only.
	ControlAuthOptional = contract.ControlAuthOptional
	// ControlAuthRequired refuses control events ({"lift":"warmup"},
	// {"lift":"health"}) that do not carry the function's control token.
	ControlAuthRequired = contract.ControlAuthRequired
)

// controlAuth checks Props.ControlAuth and writes LIFT_CONTROL_AUTH.
func controlAuth(c *propcheck.Collector, env map[string]*string, mode *string) {
	if mode == nil {
		return
	}
	switch *mode {
	case ControlAuthOptional, ControlAuthRequired:
		env[contract.EnvControlAuth] = jsii.String(*mode)
	default:
		c.Add("ControlAuth", mode, "use gofunction.ControlAuthOptional (%q, the default) or gofunction.ControlAuthRequired (%q)",
			ControlAuthOptional, ControlAuthRequired)
	}
}

// warnPublicControlKey warns when control events are required to carry a
// token that anyone with the app's source can derive (no secret configured).
func warnPublicControlKey(scope constructs.Construct, mode *string) {
	if mode == nil || *mode != ControlAuthRequired {
		return
	}
	if _, secret := controltoken.Secret(scope); !secret {
		awscdk.Annotations_Of(scope).AddWarningV2(jsii.String("lift:control-auth:no-secret"), jsii.String(
			"ControlAuth is required but no control-token secret is set, so the token is derived from the app's source alone: set the CDK context "+
				controltoken.SecretContext+" or the environment variable "+controltoken.SecretEnv+" when you synthesize (see docs/prewarm.md)"), nil)
	}
}
