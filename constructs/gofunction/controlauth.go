package gofunction

import (
	"github.com/aws/jsii-runtime-go"

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
