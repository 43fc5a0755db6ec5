package gofunction

import (
	"fmt"

	"github.com/liftcdk/lift/constructs/internal/propcheck"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ArchitectureContext is the CDK context key Lift's apps (and the stack's
// warmer) read their functions' architecture from: "arm64" (default) or
// "x86_64", e.g. `cdk synth -c lift:architecture=x86_64` to run the built
// binaries on an amd64 machine.
const ArchitectureContext = "lift:architecture"

// ArchitectureFromContext reads ArchitectureContext from scope's context:
// arm64 when unset, an error naming the key and the choices otherwise.
func ArchitectureFromContext(scope constructs.Construct) (awslambda.Architecture, error) {
	v := scope.Node().TryGetContext(jsii.String(ArchitectureContext))
	switch v {
	case nil, "arm64":
		return awslambda.Architecture_ARM_64(), nil
	case "x86_64":
		return awslambda.Architecture_X86_64(), nil
	}
	return nil, fmt.Errorf("context %s is %v: use arm64 (default) or x86_64, e.g. `cdk synth -c %s=x86_64`",
		ArchitectureContext, v, ArchitectureContext)
}

// withContextArchitecture is props with Architecture read from
// ArchitectureContext when props leave it unset, so every Lift function of an
// app follows `-c lift:architecture=...` unless its props say otherwise. The
// caller's props are never modified: a changed copy is returned.
func withContextArchitecture(c *propcheck.Collector, scope constructs.Construct, props *Props) *Props {
	if props != nil && props.Architecture != nil {
		return props
	}
	arch, err := ArchitectureFromContext(scope)
	if err != nil {
		c.Add("Architecture", nil, "%v; or set Props.Architecture", err)
		return props
	}
	p := Props{}
	if props != nil {
		p = *props
	}
	p.Architecture = arch
	return &p
}
