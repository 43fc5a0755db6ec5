package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/jobs"
)

// queue records the messages sent to it, or fails with down. The API never
// changes a message's visibility (only the worker does), so the embedded
// Queue is nil.
type queue struct {
	jobs.Queue
	mu   sync.Mutex
	sent []string
	down error
}

func (q *queue) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.down != nil {
		return nil, q.down
	}
	q.sent = append(q.sent, *in.MessageBody)
	return &sqs.SendMessageOutput{}, nil
}

// apiOnly is the idempotency store of a runner that never runs work: the
// API only submits and reads status (a call would panic on the nil Store).
type apiOnly struct{ idempotency.Store }

func newTestAPI(t *testing.T, q *queue) http.Handler {
	t.Helper()
	mem, err := cache.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	status, err := cache.NewScope(mem, "reports")
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.NewRunner(jobs.Config{Queue: q, QueueURL: "https://sqs.test/jobs", Status: status, Idempotency: apiOnly{}}, report.Generator{})
	if err != nil {
		t.Fatal(err)
	}
	return routes(r)
}

type answer struct {
	status int
	header http.Header
	body   string
}

func call(h http.Handler, method, path, contentType, body string) answer {
	req := httptest.NewRequestWithContext(context.Background(), method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.String()}
}

func TestSubmitThenStatus(t *testing.T) {
	q := &queue{}
	h := newTestAPI(t, q)
	a := call(h, "POST", "/reports", "application/json", `{"month":"2026-10","top":5}`)
	var job jobs.Job
	if err := json.Unmarshal([]byte(a.body), &job); err != nil || a.status != http.StatusAccepted {
		t.Fatalf("POST answered %d %s (%v), want 202 with the job", a.status, a.body, err)
	}
	if job.Status != jobs.StatusQueued || job.ID == "" || job.StatusURL != "/reports/"+job.ID || a.header.Get("Location") != job.StatusURL {
		t.Fatalf("job %+v, Location %q: want queued, its status URL /reports/{id} in both", job, a.header.Get("Location"))
	}
	var msg struct {
		JobID string         `json:"jobId"`
		Input report.Request `json:"input"`
	}
	if len(q.sent) != 1 || json.Unmarshal([]byte(q.sent[0]), &msg) != nil || msg.JobID != job.ID || msg.Input != (report.Request{Month: "2026-10", Top: 5}) {
		t.Fatalf("queue got %q, want one message for job %s with the request", q.sent, job.ID)
	}

	a = call(h, "GET", job.StatusURL, "", "")
	var got jobs.Job
	if err := json.Unmarshal([]byte(a.body), &got); err != nil || a.status != http.StatusOK || got.ID != job.ID || got.Status != jobs.StatusQueued {
		t.Fatalf("GET %s answered %d %s (%v), want 200 with the queued job", job.StatusURL, a.status, a.body, err)
	}
	if a.header.Get("Retry-After") == "" {
		t.Errorf("a queued job's status has no Retry-After")
	}
}

func TestRefusals(t *testing.T) {
	q := &queue{}
	h := newTestAPI(t, q)
	for _, tt := range []struct {
		name, method, path, contentType, body string
		status                                int
		want                                  string
	}{
		{"bad month", "POST", "/reports", "application/json", `{"month":"2026-1"}`, 400, `"pointer":"/month"`},
		{"unknown field", "POST", "/reports", "application/json", `{"month":"2026-10","rows":9}`, 400, `"the body does not match the schema request.schema.json"`},
		{"no month", "POST", "/reports", "application/json", `{}`, 400, `missing property 'month'`},
		{"not JSON", "POST", "/reports", "application/json", `{"month":`, 400, `the body is not valid JSON`},
		{"not declared JSON", "POST", "/reports", "text/plain", `{"month":"2026-10"}`, 415, `application/json`},
		{"too large", "POST", "/reports", "application/json", `{"month":"` + strings.Repeat("1", report.MaxRequestBytes) + `"}`, 413, `over 1024 bytes`},
		{"unknown job", "GET", "/reports/AAAAAAAAAAAAAAAAAAAAAAAAAA", "", "", 404, `No job has this id`},
		{"not a job id", "GET", "/reports/..%2f..%2fsecret", "", "", 404, `No job has this id`},
		{"unknown route", "GET", "/reports", "", "", 404, `this API answers POST /reports and GET /reports/{id}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := call(h, tt.method, tt.path, tt.contentType, tt.body)
			if a.status != tt.status || !strings.Contains(a.body, tt.want) || a.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s answered %d %s %s, want %d problem+json with %s", tt.method, tt.path, a.status, a.header.Get("Content-Type"), a.body, tt.status, tt.want)
			}
		})
	}
	if len(q.sent) != 0 {
		t.Errorf("refused requests queued %q", q.sent)
	}
}

// A queue that cannot be reached: 503 with nothing internal in the answer,
// and no queued record left behind for a job that was never sent.
func TestQueueDown(t *testing.T) {
	q := &queue{down: errors.New("dial tcp 10.0.0.1:443: connection refused")}
	h := newTestAPI(t, q)
	a := call(h, "POST", "/reports", "application/json", `{"month":"2026-10"}`)
	if a.status != http.StatusServiceUnavailable || strings.Contains(a.body, "10.0.0.1") || a.header.Get("Location") != "" {
		t.Fatalf("POST with the queue down answered %d %s, want 503 revealing nothing", a.status, a.body)
	}
}
