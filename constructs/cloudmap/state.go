package cloudmap

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// stateID names the child construct this package keeps under each function
// it configures; it holds no resources.
const stateID = "LiftDiscovery"

// functionState is what this package has configured on one function: the
// namespace it discovers in and is registered in (one per function: the
// environment holds one LIFT_DISCOVERY_NAMESPACE), its registration, and the
// services it may call. It lives in the construct tree under the function, so
// it goes wherever the function goes and two apps never share it.
type functionState struct {
	constructs.Construct
	namespace         string
	instance          *Instance
	targets           []*Service
	refresh, maxStale time.Duration // as written to the environment; 0 before the first Connect
}

// Namespace is the namespace the function discovers in ("" before any).
// (A method with a pointer receiver also lets jsii return this very value
// from the tree.)
func (st *functionState) Namespace() string { return st.namespace }

// stateOf returns fn's state, adding it to the tree on first use.
func stateOf(fn awslambda.Function) *functionState {
	if st, ok := fn.Node().TryFindChild(jsii.String(stateID)).(*functionState); ok {
		return st
	}
	st := &functionState{}
	constructs.NewConstruct_Override(st, fn, jsii.String(stateID))
	return st
}

// peekState returns fn's state without adding it (zero when there is none).
func peekState(fn awslambda.Function) *functionState {
	if st, ok := fn.Node().TryFindChild(jsii.String(stateID)).(*functionState); ok {
		return st
	}
	return &functionState{}
}
