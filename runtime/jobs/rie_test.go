package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/jobs"
)

// testWorkerKilledMidJob runs the worker binary under the Lambda emulator,
// kills its environment mid-job, and redelivers the message to a fresh one
// once the dead run's claim has lapsed (at its invocation's deadline): the
// job completes, once, and nothing is dead-lettered.
func testWorkerKilledMidJob(t *testing.T, c *cloud) {
	const timeout = 4 * time.Second
	bootstrap := testsvc.BuildHandler(t, "./runtime/jobs/testdata/reportworker")
	runs := filepath.Join(t.TempDir(), "runs")
	env := c.workerEnv(runs)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	runner := c.runner(t, func(context.Context, reportRequest, jobs.Report) (report, error) { return report{}, nil })
	job, err := runner.Submit(ctx, reportRequest{Month: "hang-once"})
	if err != nil {
		t.Fatal(err)
	}

	first := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bootstrap, Env: env, Timeout: timeout})
	ev := c.receive(t, c.queue)
	payload, err := json.Marshal(ev)
	if err != nil || len(ev.Records) != 1 {
		t.Fatalf("received %d messages: %v", len(ev.Records), err)
	}
	started := time.Now()
	go func() { _, _, _ = first.Invoke(ctx, payload) }() // never answers: the environment dies
	waitFor(t, runner, job.ID, func(j jobs.Job) bool { return j.Status == jobs.StatusRunning && j.Progress != nil }, first.Logs)
	first.Terminate(t)
	if got, _ := runner.Get(ctx, job.ID); got.Status != jobs.StatusRunning {
		t.Fatalf("after the kill: %+v", got)
	}
	c.settle(t, ev, events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: ev.Records[0].MessageId}}})

	time.Sleep(time.Until(started.Add(timeout + 500*time.Millisecond))) // the dead run's claim lasts until its deadline
	second := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: bootstrap, Env: env, Timeout: timeout})
	ev = c.receive(t, c.queue)
	payload, _ = json.Marshal(ev)
	var resp events.SQSEventResponse
	body := second.MustInvoke(t, ctx, string(payload))
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery answered %s (%v)\nlogs:\n%s", body, err, second.Logs())
	}
	c.settle(t, ev, resp)
	got, err := runner.Get(ctx, job.ID)
	if err != nil || got.Status != jobs.StatusSucceeded || got.Attempts != 2 || !strings.Contains(string(got.Result), `"rows":1200`) {
		t.Fatalf("job after the retry: %+v, %v", got, err)
	}
	b, _ := os.ReadFile(runs)
	if strings.Count(string(b), "started") != 2 || strings.Count(string(b), "completed") != 1 {
		t.Fatalf("runs:\n%s\nwant two starts and one completion", b)
	}
	if left, dead := c.receive(t, c.queue), c.receive(t, c.dlq); len(left.Records)+len(dead.Records) != 0 {
		t.Fatalf("messages left: %d on the queue, %d dead-lettered", len(left.Records), len(dead.Records))
	}
}

// workerEnv is the environment service.Props.Jobs gives the worker, on moto,
// with its runs recorded in the file runs.
func (c *cloud) workerEnv(runs string) map[string]string {
	env := map[string]string{contract.EnvService: "reports", contract.EnvCacheKind: contract.CacheKindDynamoDB,
		contract.EnvCacheTable: c.table, contract.EnvJobsQueueURL: c.queue, contract.EnvJobsMaxAttempts: fmt.Sprint(maxReceive), "RUNS_FILE": runs}
	for _, kv := range c.moto.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func waitFor(t *testing.T, r *jobs.Runner[reportRequest, report], id string, ok func(jobs.Job) bool, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := r.Get(context.Background(), id)
		if err == nil && ok(got) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s is %+v (%v) after 30s\nlogs:\n%s", id, got, err, logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
