package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/liftcdk/lift/cmd/lift/internal/local"
	"github.com/liftcdk/lift/internal/localsvc"
)

// invoked is lift invoke --json's output.
type invoked struct {
	StatusCode int
	Response   json.RawMessage
	DurationMs float64
	FunctionMs float64
	ColdStart  bool
	LogTail    string
}

func invokeJSON(t *testing.T, dir string, args ...string) invoked {
	t.Helper()
	r := mustLift(t, dir, 0, args...)
	var out invoked
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("lift %v --json: %v", args, err)
	}
	return out
}

// TestNewAppInLocalCloud is the user's path: lift new, the app's own tests,
// cdk synth and cfn-lint, then lift local up, invoke, health, logs, bench
// and local down, asserting what each printed.
func TestNewAppInLocalCloud(t *testing.T) {
	requireTools(t)
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	app := filepath.Join(work, "shop")

	r := mustLift(t, work, 0, "new", "shop", "--lift", root)
	for _, f := range []string{"go.mod", "cdk.json", "stack.go", "stack_test.go", "handler/main.go", "handler/api_test.go",
		"events/hello.json", "Makefile", "README.md", ".gitignore", "testdata/Shop.template.json"} {
		if _, err := os.Stat(filepath.Join(app, f)); err != nil || !strings.Contains(r.stdout, f) {
			t.Errorf("lift new: %s not written or not listed (%v)", f, err)
		}
	}
	if gomod, _ := os.ReadFile(filepath.Join(app, "go.mod")); !strings.Contains(string(gomod), "replace github.com/liftcdk/lift => "+root) {
		t.Errorf("go.mod has no replace to the checkout:\n%s", gomod)
	}
	if r := lift(t, work, nil, "new", "shop"); r.code != 3 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("lift new into an existing app: exit %d %q; want 3, nothing overwritten", r.code, r.stderr)
	}

	t.Run("go test", func(t *testing.T) { runIn(t, app, "go", "test", "-count=1", "./...") })
	t.Run("cdk synth and cfn-lint", func(t *testing.T) {
		out := runIn(t, app, "cdk", "synth", "--quiet", "--no-notices")
		if strings.Contains(out, "feature flags") || strings.Contains(strings.ToLower(out), "warning") {
			t.Errorf("cdk synth warned:\n%s", out)
		}
		if out := runIn(t, app, "cfn-lint", filepath.Join("cdk.out", "Shop.template.json")); strings.TrimSpace(out) != "" {
			t.Errorf("cfn-lint reported:\n%s", out)
		}
	})

	r = mustLift(t, app, 0, "local", "up")
	t.Cleanup(func() { lift(t, app, nil, "local", "down") })
	url := regexp.MustCompile(`(?m)^shop\s+Shop\s+(http://127\.0\.0\.1:\d+/2015-03-31/functions/function/invocations)$`).FindStringSubmatch(r.stdout)
	if url == nil || !strings.Contains(r.stdout, "lambda endpoint  http://127.0.0.1:") || !strings.Contains(r.stderr, "cdk deploy --all: done in") {
		t.Fatalf("local up printed no invoke URL for shop, no endpoint or no timed deploy step")
	}
	state, err := local.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("up is idempotent", func(t *testing.T) {
		again := mustLift(t, app, 0, "local", "up")
		if !strings.Contains(again.stderr, "already up") || !strings.Contains(again.stdout, url[1]) {
			t.Fatalf("second local up did not report the running cloud")
		}
	})

	t.Run("invoke", func(t *testing.T) {
		first := invokeJSON(t, app, "invoke", "shop", "--event", "events/hello.json", "--json")
		if first.StatusCode != 200 || !strings.Contains(string(first.Response), `Hello, Lift!`) || !first.ColdStart ||
			!strings.Contains(first.LogTail, "REPORT RequestId") || first.FunctionMs <= 0 || first.DurationMs < first.FunctionMs {
			t.Fatalf("first invoke: %+v; want the greeting, a cold start, a log tail with REPORT and durations", first)
		}
		second := mustLift(t, app, 0, "invoke", "shop", "--event", "events/hello.json")
		if !strings.Contains(second.stdout, `"statusCode": 200`) || !strings.Contains(second.stderr, "cold start: false") ||
			!strings.Contains(second.stderr, "--- log tail ---") || !strings.Contains(second.stdout, `\"cached\":true`) {
			t.Fatalf("second invoke: want the cached greeting on stdout, a warm start and the log tail on stderr")
		}
		// --http sends a request as an HTTP API event; the 404 is the handler's problem+json.
		byHTTP := mustLift(t, app, 0, "invoke", "shop", "--http", "GET /hello?name=Ada")
		missing := mustLift(t, app, 0, "invoke", "shop", "--http", "POST /nope", "--data", `{"x":1}`)
		if !strings.Contains(byHTTP.stdout, `Hello, Ada!`) || !strings.Contains(missing.stdout, `"statusCode": 404`) {
			t.Fatalf("invoke --http: want the greeting for Ada and a 404 for /nope:\n%s\n%s", byHTTP.stdout, missing.stdout)
		}
		// A deployed stack is found through CloudFormation and Lambda (here moto's, with the local endpoint for Invoke).
		deployed := lift(t, app, []string{"AWS_ENDPOINT_URL=" + state.AWS, "AWS_ENDPOINT_URL_LAMBDA=" + state.Lambda,
			"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"},
			"invoke", "shop", "--stack", "Shop", "--region", "us-east-1", "--warmup")
		if deployed.code != 0 || !strings.Contains(deployed.stdout, `"lift": "warmup"`) {
			t.Fatalf("invoke --stack Shop --warmup: exit %d; want the warm-up answer", deployed.code)
		}
	})

	t.Run("health", func(t *testing.T) {
		r := mustLift(t, app, 0, "health")
		if !regexp.MustCompile(`(?m)^shop\s+pass\s+cache=pass \([0-9.]+ ms\)\s+[0-9.]+ ms$`).MatchString(r.stdout) {
			t.Fatalf("health table has no passing shop row with its cache check")
		}
	})

	t.Run("logs", func(t *testing.T) {
		r := mustLift(t, app, 0, "logs", "shop")
		// The access log line of the first (cold) request, fields sorted, then its request id.
		access := regexp.MustCompile(`(?m)INFO   http request  bytes=\d+ coldStart=true correlationId=\S+ durationMs=[0-9.]+ method=GET route=GET /hello status=200  \[\S+\]$`)
		if !access.MatchString(r.stdout) {
			t.Errorf("logs has no access log line of the cold GET /hello")
		}
		for _, want := range []string{"METRIC ColdStart=1  Service=shop", "REPORT Duration: "} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("logs has no line with %q", want)
			}
		}
		warn := mustLift(t, app, 0, "logs", "shop", "--level", "warn")
		if strings.Contains(warn.stdout, " INFO ") || strings.Contains(warn.stdout, "REPORT") {
			t.Errorf("--level warn printed info lines")
		}
		filtered := mustLift(t, app, 0, "logs", "shop", "--filter", "HealthChecks", "--json")
		lines := strings.Split(strings.TrimSpace(filtered.stdout), "\n")
		var l struct {
			Level   string
			Metrics map[string]float64
		}
		if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &l) != nil || l.Level != "METRIC" || l.Metrics["HealthChecks"] != 1 {
			t.Errorf("--filter HealthChecks --json: %q; want the one health metric line", filtered.stdout)
		}
	})

	t.Run("bench agrees with the function's REPORT lines", func(t *testing.T) {
		fn, err := state.Function("shop")
		if err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(fn.Proc.Log)
		r := mustLift(t, app, 0, "bench", "shop", "--event", "events/hello.json", "--duration", "3s", "--json")
		var rep struct {
			Requests, Errors, ColdStarts int
			RPS                          float64 `json:"requestsPerSecond"`
			RoundTrip                    struct {
				P50, Max float64
				N        int
			} `json:"roundTripMs"`
			Function struct {
				P50, Max float64
				N        int
			} `json:"functionMs"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		after, _ := os.ReadFile(fn.Proc.Log)
		var own []float64
		for _, m := range regexp.MustCompile(`REPORT RequestId: \S+\s+Duration: ([0-9.]+) ms`).FindAllStringSubmatch(string(after[len(before):]), -1) {
			v, _ := strconv.ParseFloat(m[1], 64)
			own = append(own, v)
		}
		slices.Sort(own)
		if rep.Requests < 10 || rep.Errors != 0 || rep.ColdStarts != 0 || rep.Function.N != rep.Requests || rep.RPS <= 0 {
			t.Fatalf("bench: %+v; want requests without errors or cold starts, each with its function duration", rep)
		}
		// The function's own lines: one per request, and the same median.
		if len(own) < rep.Requests || own[len(own)/2] == 0 {
			t.Fatalf("the function logged %d REPORT lines during the bench, bench counted %d requests", len(own), rep.Requests)
		}
		if median := own[len(own)/2]; rep.Function.P50 < median*0.8 || rep.Function.P50 > median*1.25 || rep.RoundTrip.P50 < rep.Function.P50 {
			t.Fatalf("bench function p50 %.2f ms, the function's own median %.2f ms, round trip p50 %.2f ms: inconsistent", rep.Function.P50, median, rep.RoundTrip.P50)
		}
		t.Logf("bench: %.0f req/s, round trip p50 %.2f ms, function p50 %.2f ms (own REPORT median %.2f ms over %d lines)", rep.RPS, rep.RoundTrip.P50, rep.Function.P50, own[len(own)/2], len(own))
	})

	r = mustLift(t, app, 0, "local", "down")
	if want := fmt.Sprintf("stopped %d processes", len(state.Procs())); !strings.Contains(r.stdout, want) {
		t.Errorf("down: want %q (the router, moto, valkey and each function)", want)
	}
	if _, err := os.Stat(filepath.Join(app, ".lift", "local")); !os.IsNotExist(err) {
		t.Errorf("down left the state folder (%v)", err)
	}
	for name, p := range state.Procs() {
		if p.Alive() {
			t.Errorf("%s (pid %d) still runs after down", name, p.Pid)
		}
	}
	if r := lift(t, app, nil, "local", "down"); r.code != 3 {
		t.Errorf("a second down: exit %d, want 3 (nothing to stop)", r.code)
	}
}
