package contract

import "time"

// Control-event authentication. Anyone allowed to invoke a function can send
// it raw JSON, so a control event proves it comes from Lift's warmer (or an
// operator) with a per-deployment token. The construct writes only the
// token's SHA-256 into the function's environment, and the token itself into
// the warmer's schedule input; the function compares hashes in constant time.
const (
	// EnvControlTokenSHA256 is the lowercase hex SHA-256 of the control token.
	// Unset: no control event is authenticated.
	EnvControlTokenSHA256 = "LIFT_CONTROL_TOKEN_SHA256"
	// EnvControlAuth is ControlAuthOptional (default) or ControlAuthRequired.
	EnvControlAuth = "LIFT_CONTROL_AUTH"
	// ControlTokenField is the control event's JSON field carrying the token:
	// {"lift":"warmup","token":"..."}.
	ControlTokenField = "token"
)

// Values of EnvControlAuth.
const (
	// ControlAuthOptional answers unauthenticated control events, but caps
	// their warm-up hold and answers health with names and statuses only.
	ControlAuthOptional = "optional"
	// ControlAuthRequired refuses control events without a valid token.
	ControlAuthRequired = "required"
)

// UnauthenticatedWarmupHold caps the hold of a warm-up event without a valid
// token under ControlAuthOptional: parallel warm-ups still overlap a little,
// but 20 forged ones cost 2 s of compute, not 20 x MaxWarmupHold.
const UnauthenticatedWarmupHold = 100 * time.Millisecond

// EnvCheck, set to "1", makes lift.Start (and every other Lift entry point)
// validate the handler, its options and the LIFT_* environment, print one
// JSON line to stderr, and exit 0 when valid or 1 when not, without serving.
// gofunction runs a built handler this way at synth, so a handler Lift would
// refuse at init fails `cdk synth` instead of the first invocation.
const EnvCheck = "LIFT_CHECK"
