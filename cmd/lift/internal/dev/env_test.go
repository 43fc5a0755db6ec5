package dev

import (
	"slices"
	"testing"
)

// TestLocalEnvHasLambdaLimits: a function runs with the timeout and memory
// its stack gives it, so its deadline under lift dev is the deployed one.
func TestLocalEnvHasLambdaLimits(t *testing.T) {
	f := Function{Service: "reports/worker", Stack: "Reports", LogicalID: "WorkerAAAA",
		Env: map[string]string{"LIFT_SERVICE": "reports"}, TimeoutSeconds: 120, MemoryMB: 512}
	env, _ := localEnv(f, "127.0.0.1:1", "http://127.0.0.1:2", "", "hash")
	for _, want := range []string{"AWS_LAMBDA_FUNCTION_TIMEOUT=120", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512"} {
		if !slices.Contains(env, want) {
			t.Errorf("environment lacks %s: %v", want, env)
		}
	}
}
