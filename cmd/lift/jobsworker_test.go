package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liftcdk/lift/cmd/lift/internal/local"
	"github.com/liftcdk/lift/internal/localsvc"
)

// TestJobsWorkerInLocalCloud brings up an app whose service "tasks" has a
// jobs worker (testdata/jobsapp: two functions sharing LIFT_SERVICE, each
// answering and logging its own name) and checks that every command keeps
// them apart: tasks is the service's function, tasks/worker its worker.
func TestJobsWorkerInLocalCloud(t *testing.T) {
	requireTools(t)
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	app := t.TempDir()
	cdkJSON := `{"app": "go -C ` + filepath.Join(root, "cmd", "lift", "testdata", "jobsapp") + ` run ."}`
	if err := os.WriteFile(filepath.Join(app, "cdk.json"), []byte(cdkJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	up := mustLift(t, app, 0, "local", "up", "--json")
	t.Cleanup(func() { lift(t, app, nil, "local", "down") })
	var st local.State
	if err := json.Unmarshal([]byte(up.stdout), &st); err != nil {
		t.Fatal(err)
	}
	api, err := st.Function("tasks")
	if err != nil {
		t.Fatal(err)
	}
	worker, err := st.Function("tasks/worker")
	if err != nil || worker.Name == api.Name {
		t.Fatalf("local up --json: the worker is %+v, %v; want tasks/worker apart from tasks (%s)", worker, err, api.Name)
	}
	summary := mustLift(t, app, 0, "local", "up")
	if !strings.Contains(summary.stdout, "tasks/worker  Tasks  "+worker.URL) {
		t.Errorf("local up's summary has no tasks/worker row")
	}

	for _, c := range []struct{ name, function, own, other string }{
		{"tasks", api.Name, "api", "worker"}, {"tasks/worker", worker.Name, "worker", "api"},
	} {
		out := invokeJSON(t, app, "invoke", c.name, "--json")
		var answer struct{ Function string }
		if err := json.Unmarshal(out.Response, &answer); err != nil || answer.Function != c.own {
			t.Errorf("lift invoke %s answered %s; want the %s function's answer", c.name, out.Response, c.own)
		}
		logs := mustLift(t, app, 0, "logs", c.name)
		if !strings.Contains(logs.stdout, "hello from "+c.own) || strings.Contains(logs.stdout, "hello from "+c.other) {
			t.Errorf("lift logs %s: not the %s function's log", c.name, c.own)
		}
		bench := mustLift(t, app, 0, "bench", c.name, "--duration", "1s", "--json")
		var rep struct {
			Service, Function string
			Requests, Errors  int
		}
		if err := json.Unmarshal([]byte(bench.stdout), &rep); err != nil || rep.Service != c.name ||
			rep.Function != c.function+":live" || rep.Requests == 0 || rep.Errors != 0 {
			t.Errorf("lift bench %s: %+v (%v); want load on %s", c.name, rep, err, c.function)
		}
	}

	health := mustLift(t, app, 0, "health", "--json")
	var rows []struct{ Service, Status string }
	if err := json.Unmarshal([]byte(health.stdout), &rows); err != nil || len(rows) != 2 ||
		rows[0].Status != "pass" || rows[1].Status != "pass" || rows[0].Service == rows[1].Service {
		t.Errorf("lift health: %+v (%v); want tasks and tasks/worker passing", rows, err)
	}
	if r := lift(t, app, nil, "invoke", "task"); r.code != 3 || !strings.Contains(r.stderr, "tasks/worker") {
		t.Errorf("lift invoke task: exit %d; want 3 and the valid names", r.code)
	}
}
