package contract

// WarmerInput is the payload the warmer's schedule delivers to the warmer
// function. Targets travel in the schedule input, not the environment, so the
// number of targets is not bounded by Lambda's 4 KB environment limit.
type WarmerInput struct {
	Targets []WarmerTarget `json:"targets"`
	// HoldMs is the hold each warm-up invocation is asked for (see WarmupEvent).
	HoldMs int `json:"holdMs,omitempty"`
	// BudgetMs bounds the whole warmer run, retries included.
	BudgetMs int `json:"budgetMs,omitempty"`
	// Parallelism bounds the warmer's concurrent invokes across all targets.
	Parallelism int `json:"parallelism,omitempty"`
}

// WarmerTarget is one function the warmer keeps warm.
type WarmerTarget struct {
	Name        string `json:"name"`        // metric dimension Target
	ARN         string `json:"arn"`         // qualified ARN: alias or version, never $LATEST
	Concurrency int    `json:"concurrency"` // distinct environments to keep warm
	// Token is the target's control token, sent in each warm-up event (see
	// EnvControlTokenSHA256). Empty: warm-ups are sent unauthenticated.
	Token string `json:"token,omitempty"`
}

// WarmerReport is what one warmer run returns and logs.
type WarmerReport struct {
	Round   string               `json:"round"`
	Targets []WarmerTargetReport `json:"targets"`
}

// WarmerTargetReport counts one target's outcome.
type WarmerTargetReport struct {
	Name     string `json:"name"`
	Asked    int    `json:"asked"`
	Warmed   int    `json:"warmed"` // distinct instance ids seen
	Failed   int    `json:"failed"` // invokes that errored
	Attempts int    `json:"attempts"`
}
