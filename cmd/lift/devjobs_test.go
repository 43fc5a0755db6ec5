package main_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// The jobs app: lift new's service with service.Props.Jobs, an API that
// submits jobs (POST /jobs) and shows them (GET /jobs/{id}), and a worker
// that answers "v1 NAME" after sleeping the job's sleepMs.
const (
	jobsStackProps = `
		Jobs: &service.JobsProps{Worker: &gofunction.Props{
			Entry: jsii.String("worker"), Timeout: awscdk.Duration_Seconds(jsii.Number(30)),
		}},`
	jobsJobGo = `package job

import (
	"context"
	"time"

	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
)

type In struct {
	Name    string ` + "`json:\"name\"`" + `
	SleepMs int    ` + "`json:\"sleepMs\"`" + `
}

type Out struct {
	Text string ` + "`json:\"text\"`" + `
}

// Runner is the service's jobs runner on its queue and DynamoDB tier.
func Runner(ctx context.Context, work jobs.Work[In, Out]) (*jobs.Runner[In, Out], error) {
	cfg, err := jobs.ConfigFromEnv(ctx, dynamostore.Backend())
	if err != nil {
		return nil, err
	}
	cfg.StatusURL = func(id string) string { return "/jobs/" + id }
	return jobs.New(cfg, work)
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
`
	jobsHandlerGo = `package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"shop/job"

	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	r, err := job.Runner(context.Background(), func(context.Context, job.In, jobs.Report) (job.Out, error) {
		return job.Out{}, errors.New("the API submits jobs; the worker runs them")
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "shop:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /jobs", r.SubmitHandler())
	mux.Handle("GET /jobs/{id}", r.StatusHandler())
	lift.StartHTTP(mux)
}
`
	jobsWorkerGo = `package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"shop/job"

	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/lift"
)

func work(ctx context.Context, in job.In, report jobs.Report) (job.Out, error) {
	_ = report(ctx, 50, "sleeping")
	job.Sleep(ctx, time.Duration(in.SleepMs)*time.Millisecond)
	return job.Out{Text: "v1 " + in.Name}, nil
}

func main() {
	r, err := job.Runner(context.Background(), work)
	if err != nil {
		fmt.Fprintln(os.Stderr, "shop worker:", err)
		os.Exit(1)
	}
	lift.Start(r.Worker())
}
`
)

// newJobsApp makes the jobs app with lift new and returns its folder.
func newJobsApp(t *testing.T) string {
	t.Helper()
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	mustLift(t, work, 0, "new", "shop", "--lift", root)
	app := filepath.Join(work, "shop")
	stack := filepath.Join(app, "stack.go")
	b, err := os.ReadFile(stack)
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "DynamoDBCache: &cachetier.DynamoDBProps{},"
	if !bytes.Contains(b, []byte(anchor)) {
		t.Fatalf("%s has no %q", stack, anchor)
	}
	files := map[string]string{
		"stack.go":        string(bytes.Replace(b, []byte(anchor), []byte(anchor+jobsStackProps), 1)),
		"job/job.go":      jobsJobGo,
		"handler/main.go": jobsHandlerGo,
		"worker/main.go":  jobsWorkerGo,
	}
	for name, text := range files {
		p := filepath.Join(app, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, gone := range []string{"handler/api.go", "handler/api_test.go", "stack_test.go"} {
		if err := os.Remove(filepath.Join(app, gone)); err != nil {
			t.Fatal(err)
		}
	}
	// The new imports' checksums are Lift's own (the machine may be offline).
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	appSums, _ := os.ReadFile(filepath.Join(app, "go.sum"))
	if err := os.WriteFile(filepath.Join(app, "go.sum"), append(appSums, sums...), 0o644); err != nil {
		t.Fatal(err)
	}
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = app
	tidy.Env = append(os.Environ(), "GOPROXY=off")
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return app
}

type devJob struct {
	ID, Status, StatusURL, Error string
	Attempts                     int
	Result                       struct{ Text string }
}

func submitJob(t *testing.T, url, body string) devJob {
	t.Helper()
	resp, err := http.Post(url+"/jobs", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var j devJob
	_ = json.NewDecoder(resp.Body).Decode(&j)
	if resp.StatusCode != http.StatusAccepted || j.StatusURL == "" {
		t.Fatalf("POST /jobs %s: %d %+v, want 202 with a status URL", body, resp.StatusCode, j)
	}
	return j
}

// waitJob polls the job's status URL until it is in status want.
func waitJob(t *testing.T, url string, j devJob, want string) devJob {
	t.Helper()
	var last string
	for deadline := time.Now().Add(reloadBound); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		code, body := get(t, url+j.StatusURL)
		last = body
		var got devJob
		if code == http.StatusOK && json.Unmarshal([]byte(body), &got) == nil && got.Status == want {
			return got
		}
	}
	t.Fatalf("job %s: not %s within %s; last answer %s", j.ID, want, reloadBound, last)
	return devJob{}
}

// TestDevJobs runs lift dev on an app with service.Props.Jobs: the worker
// runs as shop/worker, fed from a job queue on moto; a submitted job
// completes and its status shows the result; a job running while the
// worker's code is edited completes on the code it started with, and the
// next job runs the new code.
func TestDevJobs(t *testing.T) {
	for _, tool := range []string{"go", "node", "cdk", "moto_server"} {
		testsvc.Tool(t, tool)
	}
	app := newJobsApp(t)
	d := startDev(t, app)
	url := d.services["shop"]
	if url == "" || d.services["shop/worker"] == "" {
		t.Fatalf("lift dev printed %v, want shop and shop/worker", d.services)
	}
	d.waitStderr(t, "shop/worker: job queue on moto", time.Second)

	done := waitJob(t, url, submitJob(t, url, `{"name":"Ada"}`), "succeeded")
	if done.Result.Text != "v1 Ada" {
		t.Errorf("job result %+v, want v1 Ada", done)
	}

	// A job in flight while the worker is rebuilt: it runs longer than a
	// swapped-out build's usual 3.5 s grace, so only a swap that waits for
	// it lets it finish in its first attempt.
	slow := submitJob(t, url, `{"name":"Bea","sleepMs":8000}`)
	waitJob(t, url, slow, "running")
	src := filepath.Join(app, "worker", "main.go")
	if err := os.WriteFile(src, []byte(strings.Replace(jobsWorkerGo, `"v1 "`, `"v2 "`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	d.waitStderr(t, "shop/worker reloaded in", reloadBound)
	if got := waitJob(t, url, slow, "succeeded"); got.Result.Text != "v1 Bea" || got.Attempts != 1 {
		t.Errorf("the job running during the rebuild: %+v, want v1 Bea in one attempt (the old build finishes it)", got)
	}
	if got := waitJob(t, url, submitJob(t, url, `{"name":"Cy"}`), "succeeded"); got.Result.Text != "v2 Cy" {
		t.Errorf("the job after the rebuild: %+v, want v2 Cy (the new code)", got)
	}
	if strings.Contains(d.stderr.String(), "shop reloaded in") {
		t.Errorf("editing the worker rebuilt the API too:\n%s", d.stderr)
	}

	// The dashboard shows the worker as its own service, with its counts
	// (three deliveries, three jobs succeeded), and its buttons reach it.
	var worker *devService
	for _, s := range state(t, d.dashboard).Services {
		if s.Name == "shop/worker" {
			worker = &s
		}
	}
	if worker == nil || worker.Invocations < 3 || worker.Status != "up" {
		t.Errorf("the dashboard's shop/worker: %+v, want up with at least 3 invocations", worker)
	}
	page := openDashboard(t, browser(t), d.dashboard)
	card := `[...document.querySelectorAll("#services > *")].find((c) => c.textContent.includes("shop/worker"))`
	if err := chromedp.Do(page, chromedp.Poll[chromedp.Void](card+`?.textContent.includes("jobs: 3 succeeded, 0 failed, 0 retried")`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		text, _ := chromedp.Run(page, chromedp.Text(chromedp.CSS("#services")))
		t.Errorf("no shop/worker card with its job counts: %v; the services show:\n%s", err, text)
	}
	req, _ := http.NewRequest(http.MethodPost, d.dashboard+"api/services/shop%2Fworker/health", nil)
	req.Header.Set("X-Lift-Dev", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the dashboard's health button on shop/worker: %d, want 200", resp.StatusCode)
	}
}
