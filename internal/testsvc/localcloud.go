package testsvc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/localcloud"
)

// Deploy deploys o.Stack to a fresh local cloud (localcloud.Deploy), logging
// each step's findings, and tears it down when the test ends. Root and
// WorkDir default to the repository root and a test directory (kept until
// the test ends, so cdk.out and the CLI logs can be read on failure). The
// tools a deploy needs are checked first, so a missing one fails with "run
// make setup" rather than midway.
func Deploy(t testing.TB, ctx context.Context, o localcloud.Options) *localcloud.Cloud {
	t.Helper()
	tools := []string{"cdk", "node", "moto_server", "aws-lambda-rie"}
	if o.CacheStandIn {
		tools = append(tools, "valkey-server")
	}
	for _, tool := range tools {
		Tool(t, tool)
	}
	if o.Root == "" {
		o.Root = Root(t)
	}
	if o.WorkDir == "" {
		o.WorkDir = t.TempDir()
	}
	o.Observer = LogSteps(t)
	c, err := localcloud.Deploy(ctx, o)
	if err != nil {
		t.Fatalf("testsvc: deploy %s to the local cloud: %v", o.Stack, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("testsvc: tear down the local cloud: %v", err)
		}
	})
	return c
}

// LogSteps returns a localcloud observer that logs each finished step.
func LogSteps(t testing.TB) func(localcloud.Event) {
	return func(e localcloud.Event) {
		switch e.Kind {
		case localcloud.StepDone:
			t.Logf("%s: ok in %s\n  %s", e.Step, e.Elapsed.Round(time.Millisecond), strings.Join(e.Lines, "\n  "))
		case localcloud.StepFailed:
			t.Logf("%s: FAILED in %s: %v", e.Step, e.Elapsed.Round(time.Millisecond), e.Err)
		}
	}
}

// Emulate runs fn's deployed code under the emulator with its deployed
// environment plus env (Cloud.Emulate); the local cloud stops it on Close.
func Emulate(t testing.TB, c *localcloud.Cloud, fn localcloud.Function, env map[string]string) *RIEProcess {
	t.Helper()
	p, err := c.Emulate(fn, env)
	if err != nil {
		t.Fatalf("testsvc: emulate %s: %v", fn.LogicalID, err)
	}
	return &RIEProcess{RIE: p}
}
