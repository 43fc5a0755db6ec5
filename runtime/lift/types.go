package lift

import "github.com/liftcdk/lift/internal/contract"

// The control events Start answers and their answers, for code that sends
// them (a warmer, an operator's tool, a test).
type (
	// WarmupEvent is {"lift":"warmup","holdMs":...,"round":...,"token":...}.
	WarmupEvent = contract.WarmupEvent
	// WarmupResponse answers a WarmupEvent.
	WarmupResponse = contract.WarmupResponse
	// HookTiming reports one warm-up hook's run in a WarmupResponse.
	HookTiming = contract.HookTiming
	// HealthEvent is {"lift":"health","token":...}; it is answered with a
	// health.Response.
	HealthEvent = contract.HealthEvent
)

// Values of a control event's "lift" member.
const (
	ControlWarmup = contract.ControlWarmup
	ControlHealth = contract.ControlHealth
)

// Limits Start applies.
const (
	// MaxWarmupHold bounds a warm-up's holdMs (the invocation's deadline
	// bounds it too).
	MaxWarmupHold = contract.MaxWarmupHold
	// UnauthenticatedWarmupHold bounds the hold of a warm-up without a valid
	// token (LIFT_CONTROL_AUTH=optional).
	UnauthenticatedWarmupHold = contract.UnauthenticatedWarmupHold
	// DefaultShutdownBudget is the shutdown budget when neither
	// WithShutdownBudget nor LIFT_SHUTDOWN_BUDGET sets one.
	DefaultShutdownBudget = contract.DefaultShutdownBudget
	// MaxShutdownBudget is the most WithShutdownBudget and
	// LIFT_SHUTDOWN_BUDGET accept.
	MaxShutdownBudget = contract.MaxShutdownBudget
)
