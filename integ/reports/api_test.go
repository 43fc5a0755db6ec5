package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/jobs"
)

// api calls the deployed API function under the emulator with HTTP API
// (payload 2.0) events, as the stack's HTTP API sends them.
type api struct{ rie *testsvc.RIEProcess }

type answer struct {
	status int
	header map[string]string
	body   string
}

func (a api) call(t *testing.T, ctx context.Context, method, path, body string) answer {
	t.Helper()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, Body: body,
		Headers: map[string]string{"content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			Stage: "$default", RequestID: fmt.Sprintf("integ-%d", time.Now().UnixNano()),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}
	payload, _ := json.Marshal(ev) // plain struct: cannot fail
	out := a.rie.MustInvoke(t, ctx, string(payload))
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode == 0 {
		t.Fatalf("%s %s: the function answered %s (%v)\nlogs:\n%s", method, path, out, err, a.rie.Logs())
	}
	return answer{resp.StatusCode, resp.Headers, resp.Body}
}

// submit posts a report request and returns the queued job.
func (a api) submit(t *testing.T, ctx context.Context, request string) jobs.Job {
	t.Helper()
	ans := a.call(t, ctx, http.MethodPost, "/reports", request)
	var job jobs.Job
	if err := json.Unmarshal([]byte(ans.body), &job); err != nil || ans.status != http.StatusAccepted {
		t.Fatalf("POST /reports %s answered %d %s (%v), want 202 with the job", request, ans.status, ans.body, err)
	}
	if job.Status != jobs.StatusQueued || job.StatusURL != "/reports/"+job.ID || ans.header["Location"] != job.StatusURL {
		t.Fatalf("POST /reports answered %+v with Location %q: want a queued job whose status URL is /reports/{id} in both", job, ans.header["Location"])
	}
	return job
}

// get reads a job through GET on its status URL.
func (a api) get(t *testing.T, ctx context.Context, id string) jobs.Job {
	t.Helper()
	ans := a.call(t, ctx, http.MethodGet, "/reports/"+id, "")
	var job jobs.Job
	if err := json.Unmarshal([]byte(ans.body), &job); err != nil || ans.status != http.StatusOK || job.ID != id {
		t.Fatalf("GET /reports/%s answered %d %s (%v), want 200 with the job", id, ans.status, ans.body, err)
	}
	return job
}

// follow polls a job's status URL until done says so, and returns every
// distinct state it saw (status and progress), the last one last.
func (a api) follow(t *testing.T, ctx context.Context, id string, within time.Duration, done func(jobs.Job) bool, logs func() string) []jobs.Job {
	t.Helper()
	var seen []jobs.Job
	deadline := time.Now().Add(within)
	for {
		job := a.get(t, ctx, id)
		if n := len(seen); n == 0 || state(seen[n-1]) != state(job) {
			seen = append(seen, job)
		}
		if done(job) {
			return seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s after %s: %+v, states seen %s\nworker logs:\n%s", id, within, job, states(seen), logs())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func state(j jobs.Job) string {
	if j.Progress != nil {
		return fmt.Sprintf("%s %d%% (attempt %d)", j.Status, j.Progress.Percent, j.Attempts)
	}
	return fmt.Sprintf("%s (attempt %d)", j.Status, j.Attempts)
}

func states(seen []jobs.Job) string {
	out := make([]string, len(seen))
	for i, j := range seen {
		out[i] = state(j)
	}
	return strings.Join(out, " → ")
}

func finished(j jobs.Job) bool {
	return j.Status == jobs.StatusSucceeded || j.Status == jobs.StatusFailed
}
