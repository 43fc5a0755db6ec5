package testsvc

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/localcloud"
)

// Deploy deploys o.Stack to a fresh local cloud (localcloud.Deploy), logging
// each step's findings, and tears it down when the test ends. Root and
// WorkDir default to the repository root and a test directory (kept until
// the test ends, so cdk.out and the CLI logs can be read on failure). The
// tools a deploy needs are checked first (Tool), so a missing one ends the
// test through Missing rather than midway.
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

// FeedQueues feeds the cloud's SQS event source mappings (Cloud.FeedQueues)
// through a LambdaRouter over routes (the emulators that run the mapped
// functions), and returns the router, whose Invocations show each delivery.
// The feeder stops when the test ends, before the router; its log is
// printed if the test failed.
func FeedQueues(t testing.TB, c *localcloud.Cloud, routes LambdaRoutes) *LambdaRouterServer {
	t.Helper()
	r := LambdaRouter(t, routes)
	log := &SyncBuffer{}
	stop, err := c.FeedQueues(r.URL, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatalf("testsvc: %v", err)
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("queue feeder log:\n%s", log)
		}
	})
	return r
}

// CheckAlarms checks the alarms a deploy created against what Lift's
// monitoring promises, per service (alarms named <stack>-<service>-<key>):
// every alarm a dashboard shows exists (the dashboard builds their ARNs
// from names); the service's composite alarm (key Composite) watches each of
// its other alarms and alone sends to topicARN; the others treat missing
// data as not breaching. It returns the number of alarms checked.
func CheckAlarms(t testing.TB, rb localcloud.ReadBack, stack, topicARN string, services ...string) int {
	t.Helper()
	byARN := map[string]string{}
	for name, a := range rb.Alarms {
		byARN[a.ARN] = name
	}
	for dash, body := range rb.Dashboards {
		for _, arn := range alarmARNs.FindAllString(body, -1) {
			if _, ok := byARN[arn]; !ok {
				t.Errorf("dashboard %s shows alarm %s, which the deploy did not create", dash, arn)
			}
		}
	}
	checked := 0
	for _, svc := range services {
		prefix := stack + "-" + svc + "-"
		composite, ok := rb.Alarms[prefix+"Composite"]
		if !ok || len(composite.Actions) != 1 || composite.Actions[0] != topicARN {
			t.Errorf("composite alarm %sComposite = %+v (found %v), want one action to %s", prefix, composite, ok, topicARN)
		}
		members := 0
		for name, a := range rb.Alarms {
			if !strings.HasPrefix(name, prefix) || name == prefix+"Composite" {
				continue
			}
			members++
			if !strings.Contains(composite.Rule, `ALARM("`+a.ARN+`")`) {
				t.Errorf("composite alarm %sComposite does not watch %s: rule %s", prefix, name, composite.Rule)
			}
			if len(a.Actions) != 0 || a.TreatMissingData != "notBreaching" {
				t.Errorf("alarm %s: actions %v, missing data %q; want no actions of its own (the composite sends) and notBreaching", name, a.Actions, a.TreatMissingData)
			}
		}
		if members == 0 {
			t.Errorf("no alarms named %s*", prefix)
		}
		checked += members + 1
	}
	return checked
}

var alarmARNs = regexp.MustCompile(`arn:aws:cloudwatch:[a-z0-9-]+:\d{12}:alarm:[A-Za-z0-9_.-]+`)
