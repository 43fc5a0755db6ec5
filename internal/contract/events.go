package contract

import "time"

// ControlField is the JSON key that marks a control event: {"lift":"warmup"}.
// The runtime recognises control events from the raw payload bytes, before the
// user's event type is decoded, and answers them itself.
const ControlField = "lift"

// Values of ControlField.
const (
	ControlWarmup = "warmup"
	ControlHealth = "health"
)

// WarmupEvent is sent by the warmer (or anyone) to pre-warm an environment.
type WarmupEvent struct {
	Lift string `json:"lift"` // ControlWarmup
	// HoldMs asks the invocation to stay busy this long so that parallel warm-up
	// invocations overlap and land in distinct environments. Bounded by
	// MaxWarmupHold and by the invocation's remaining time.
	HoldMs int `json:"holdMs,omitempty"`
	// Round identifies one warmer run, echoed in the response.
	Round string `json:"round,omitempty"`
	// Token authenticates the event (see EnvControlTokenSHA256).
	Token string `json:"token,omitempty"`
}

// Hold returns the requested hold as a duration, clamped to [0, MaxWarmupHold].
func (e WarmupEvent) Hold() time.Duration {
	d := time.Duration(e.HoldMs) * time.Millisecond
	return min(max(d, 0), MaxWarmupHold)
}

// WarmupResponse answers a WarmupEvent.
type WarmupResponse struct {
	Lift       string `json:"lift"`       // ControlWarmup
	InstanceID string `json:"instanceId"` // stable for the life of the process
	ColdStart  bool   `json:"coldStart"`  // this invocation was the first of an on-demand init
	// InitType is AWS_LAMBDA_INITIALIZATION_TYPE: on-demand, provisioned-concurrency or snap-start.
	InitType string       `json:"initType,omitempty"`
	Round    string       `json:"round,omitempty"`
	HeldMs   int64        `json:"heldMs"`
	Hooks    []HookTiming `json:"hooks,omitempty"` // warm-up hooks run by this invocation
}

// HookTiming reports one warm-up hook's run.
type HookTiming struct {
	Name       string  `json:"name"`
	DurationMs float64 `json:"durationMs"`
	Error      string  `json:"error,omitempty"`
}

// Health statuses, as in the IETF "Health Check Response Format for HTTP APIs" draft.
const (
	StatusPass = "pass"
	StatusWarn = "warn"
	StatusFail = "fail"
)

// HealthEvent asks for a health report: {"lift":"health"}.
type HealthEvent struct {
	Lift  string `json:"lift"`            // ControlHealth
	Token string `json:"token,omitempty"` // see EnvControlTokenSHA256
}

// HealthResponse answers a HealthEvent in the shape of the IETF health check
// draft (application/health+json).
type HealthResponse struct {
	Status     string                   `json:"status"` // StatusPass, StatusWarn or StatusFail
	ServiceID  string                   `json:"serviceId,omitempty"`
	InstanceID string                   `json:"instanceId,omitempty"`
	Checks     map[string][]CheckResult `json:"checks"` // keyed by check name
}

// CheckResult is one check's outcome. ObservedValue is its duration in
// ObservedUnit ("ms"). Output is the IETF draft's error text: runtime/lift
// leaves it empty in answers (error text may name hosts or users) and logs it.
type CheckResult struct {
	ComponentID   string  `json:"componentId"`
	Status        string  `json:"status"`
	ObservedValue float64 `json:"observedValue"`
	ObservedUnit  string  `json:"observedUnit"`
	Output        string  `json:"output,omitempty"`
	Time          string  `json:"time"` // RFC 3339, when the check finished
}
