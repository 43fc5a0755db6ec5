// Package prewarm_test runs the real warmer binary (cmd/lift-warmer) under the
// Lambda Runtime Interface Emulator against several RIE instances of a real
// Lift target, through the AWS SDK's Lambda client, and checks that it warms
// and reports as many distinct environments as there are.
package prewarm_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

const targetARN = "arn:aws:lambda:us-east-1:123456789012:function:api:live"

// controlToken is the targets' control token: they refuse control events
// without it (LIFT_CONTROL_AUTH=required), so every warm-up the warmer lands
// proves that it sent the target's token.
const controlToken = "integ-prewarm-control-token"

type env struct {
	router *testsvc.LambdaRouterServer
	warmer *testsvc.RIEProcess
	n      int
}

// start builds both binaries, starts n target instances, the router and the warmer.
func start(t *testing.T, n int) *env {
	t.Helper()
	var targetBin, warmerBin string
	var wg sync.WaitGroup
	wg.Go(func() { targetBin = testsvc.BuildHandler(t, "./integ/prewarm/target") })
	wg.Go(func() { warmerBin = testsvc.BuildHandler(t, "./cmd/lift-warmer") })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	urls := make([]string, n)
	for i := range n {
		urls[i] = testsvc.RIE(t, testsvc.RIEOptions{
			Bootstrap: targetBin, FunctionName: "api", Timeout: 10 * time.Second,
			Env: map[string]string{
				contract.EnvService:            "api",
				contract.EnvControlAuth:        contract.ControlAuthRequired,
				contract.EnvControlTokenSHA256: fmt.Sprintf("%x", sha256.Sum256([]byte(controlToken))),
			},
		}).URL
	}
	r := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{targetARN: urls})
	w := testsvc.RIE(t, testsvc.RIEOptions{
		Bootstrap: warmerBin, FunctionName: "lift-warmer", Timeout: 60 * time.Second,
		Env: map[string]string{
			"AWS_ENDPOINT_URL_LAMBDA": r.URL,
			"AWS_REGION":              "us-east-1",
			"AWS_ACCESS_KEY_ID":       "test",
			"AWS_SECRET_ACCESS_KEY":   "test",
			"AWS_SESSION_TOKEN":       "",
		},
	})
	return &env{router: r, warmer: w, n: n}
}

func (e *env) run(t *testing.T, in contract.WarmerInput) contract.WarmerReport {
	t.Helper()
	payload, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	body, _, err := e.warmer.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("invoke warmer: %v\nwarmer logs:\n%s", err, e.warmer.Logs())
	}
	var rep contract.WarmerReport
	if err := json.Unmarshal(body, &rep); err != nil || len(rep.Targets) != len(in.Targets) {
		t.Fatalf("warmer answered %s (%v), want a WarmerReport\nwarmer logs:\n%s", body, err, e.warmer.Logs())
	}
	return rep
}

// TestWarmerReachesDistinctEnvironments: 4 single-invocation RIE instances
// behind the router; the warmer asked for 4 must report 4 warmed, and the
// router must have seen 4 distinct instance ids, one per RIE instance.
func TestWarmerReachesDistinctEnvironments(t *testing.T) {
	const n = 4
	e := start(t, n)
	rep := e.run(t, contract.WarmerInput{
		HoldMs: 300, BudgetMs: 30000,
		Targets: []contract.WarmerTarget{{Name: "api", ARN: targetARN, Concurrency: n, Token: controlToken}},
	})
	got := rep.Targets[0]
	if got.Name != "api" || got.Asked != n || got.Warmed != n || got.Failed != 0 {
		t.Fatalf("report = %+v, want %d asked, %d warmed, 0 failed\nwarmer logs:\n%s", got, n, n, e.warmer.Logs())
	}
	ids, served := instanceIDs(t, e.router)
	distinct := map[string]bool{}
	for i := range n {
		if len(ids[i]) != 1 {
			t.Errorf("RIE instance %d answered instance ids %v, want exactly one (one process per environment)", i, ids[i])
		}
		for id := range ids[i] {
			distinct[id] = true
		}
	}
	if len(distinct) != n {
		t.Errorf("router saw %d distinct instance ids, want %d", len(distinct), n)
	}
	if bad := e.router.Unrouted(); len(bad) > 0 {
		t.Errorf("the warmer made requests other than Invoke: %v", bad)
	}
	for _, c := range e.router.Invocations() {
		if c.Function != targetARN {
			t.Errorf("the warmer invoked %q, want only the target %s", c.Function, targetARN)
		}
	}
	for _, want := range []string{
		fmt.Sprintf(`"%s":%d`, contract.MetricWarmerWarmed, n),
		fmt.Sprintf(`"%s":%d`, contract.MetricWarmerAsked, n),
		fmt.Sprintf(`"%s":0`, contract.MetricWarmerShortfall),
	} {
		e.warmer.WaitForLog(t, want)
	}
	t.Logf("report %+v; invocations per RIE instance %v", got, served)
}

// TestWarmerReportsShortfallWhenThrottled: asking 5 of 3 environments gets 3
// warmed and the 2 throttled invokes counted as failed, without retries
// (throttling means no environment can be added).
func TestWarmerReportsShortfallWhenThrottled(t *testing.T) {
	const n, asked = 3, 5
	e := start(t, n)
	rep := e.run(t, contract.WarmerInput{
		HoldMs: 500, BudgetMs: 30000,
		Targets: []contract.WarmerTarget{{Name: "api", ARN: targetARN, Concurrency: asked, Token: controlToken}},
	})
	got := rep.Targets[0]
	want := contract.WarmerTargetReport{Name: "api", Asked: asked, Warmed: n, Failed: asked - n, Attempts: asked}
	if got != want {
		t.Fatalf("report = %+v, want %+v\nwarmer logs:\n%s", got, want, e.warmer.Logs())
	}
	throttled := 0
	for _, c := range e.router.Invocations() {
		if c.ErrorType == "TooManyRequestsException" {
			throttled++
		}
	}
	if throttled != asked-n {
		t.Errorf("router throttled %d invokes, want %d (no retries of a throttle)", throttled, asked-n)
	}
	e.warmer.WaitForLog(t, fmt.Sprintf(`"%s":%d`, contract.MetricWarmerShortfall, asked-n))
}

// instanceIDs returns, per RIE instance, the lift instance ids its warm-up
// answers carried, and how many invocations each instance ran.
func instanceIDs(t *testing.T, r *testsvc.LambdaRouterServer) (map[int]map[string]bool, map[int]int) {
	t.Helper()
	ids, served := map[int]map[string]bool{}, map[int]int{}
	for _, c := range r.Invocations() {
		if c.Instance < 0 {
			continue
		}
		served[c.Instance]++
		var ans contract.WarmupResponse
		if json.Unmarshal(c.Response, &ans) != nil || ans.InstanceID == "" {
			continue
		}
		if ids[c.Instance] == nil {
			ids[c.Instance] = map[string]bool{}
		}
		ids[c.Instance][ans.InstanceID] = true
	}
	return ids, served
}
