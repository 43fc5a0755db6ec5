package integ

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestQuickstartLocalCloud deploys the quickstart into moto with `cdk deploy`,
// runs the deployed bootstrap under the emulator with the deployed
// configuration and checks every step: the same pipeline as `make demo`.
func TestQuickstartLocalCloud(t *testing.T) {
	// Check the tools first, so a missing one ends the test here (testsvc.Missing), not midway.
	for _, tool := range []string{"cdk", "node", "moto_server", "aws-lambda-rie"} {
		testsvc.Tool(t, tool)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	work := t.TempDir() // kept by the pipeline so the assembly can be inspected below
	rep, err := localcloud.Run(ctx, localcloud.Options{
		Root:     testsvc.Root(t),
		WorkDir:  work,
		Observer: testsvc.LogSteps(t),
	})
	if err != nil {
		t.Fatalf("pipeline: %v\n--- cdk deploy output ---\n%s\n--- function output ---\n%s", err, rep.Deploy.Output, rep.FunctionLogs)
	}

	t.Run("stack", func(t *testing.T) {
		if rep.Stack.Name != localcloud.DefaultStack || rep.Stack.Status != "CREATE_COMPLETE" {
			t.Fatalf("stack %s status %s", rep.Stack.Name, rep.Stack.Status)
		}
		types := map[string]int{}
		for _, r := range rep.Stack.Resources {
			types[r.Type]++
			if r.Type != "" && r.Status != "CREATE_COMPLETE" {
				t.Errorf("resource %s (%s) is %s", r.LogicalID, r.Type, r.Status)
			}
		}
		for _, want := range []string{"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::Logs::LogGroup"} {
			if types[want] == 0 {
				t.Errorf("stack has no %s (resources %+v)", want, rep.Stack.Resources)
			}
		}
		fn := rep.Stack.Outputs[localcloud.DefaultFunctionOutput]
		if fn == "" || fn != rep.Function.Name {
			t.Errorf("output %s = %q, function run %q: want the function the stack names", localcloud.DefaultFunctionOutput, fn, rep.Function.Name)
		}
	})

	t.Run("function configuration", func(t *testing.T) {
		f := rep.Function
		if f.Runtime != "provided.al2023" || f.Handler != "bootstrap" {
			t.Errorf("runtime %q handler %q, want provided.al2023 and bootstrap", f.Runtime, f.Handler)
		}
		if len(f.Architectures) != 1 || f.Architectures[0] != localcloud.HostArchitecture() {
			t.Errorf("architectures %v, want [%s] (from -c lift:architecture)", f.Architectures, localcloud.HostArchitecture())
		}
		if f.Env[contract.EnvService] != "quickstart" {
			t.Errorf("%s = %q, want quickstart; env %v", contract.EnvService, f.Env[contract.EnvService], f.Env)
		}
		if !strings.HasPrefix(f.ARN, "arn:aws:lambda:us-east-1:"+testsvc.MotoAccountID+":function:") {
			t.Errorf("ARN %q", f.ARN)
		}
	})

	t.Run("resources read back", func(t *testing.T) {
		rb := rep.ReadBack
		table, ok := rb.Tables[rep.Function.Env[contract.EnvCacheTable]]
		if !ok || table.TTLStatus != "ENABLED" || table.TTLAttribute != rep.Function.Env[contract.EnvCacheTTLAttribute] ||
			table.BillingMode != "PAY_PER_REQUEST" || len(table.KeySchema) != 1 || table.SSEStatus != "ENABLED" {
			t.Errorf("cache table %q read back as %+v (tables %v); want on-demand, one key, encrypted with KMS, TTL enabled on the function's %s",
				rep.Function.Env[contract.EnvCacheTable], table, rb.Tables, contract.EnvCacheTTLAttribute)
		}
		dash := localcloud.DefaultStack + "-" + rep.Function.Env[contract.EnvService]
		if body := rb.Dashboards[dash]; !strings.Contains(body, rep.Function.Name) || !strings.Contains(body, ":alarm:"+dash+"-") {
			t.Errorf("dashboard %s does not show function %s and its %s-* alarms (dashboards %v)", dash, rep.Function.Name, dash, rb.Dashboards)
		}
		if len(rb.Topics) != 1 {
			t.Errorf("topics %v, want the alarm topic", rb.Topics)
		}
		for arn, topic := range rb.Topics {
			if topic.KMSKey == "" || !strings.Contains(topic.Policy, "aws:SecureTransport") {
				t.Errorf("alarm topic %s: key %q, policy %s; want encrypted, publishing over TLS only", arn, topic.KMSKey, topic.Policy)
			}
		}
		// The warmer is invoked asynchronously by its schedule: a warm-up
		// round that fails is not retried, and a stale one is dropped.
		if len(rb.InvokeConfigs) != 1 {
			t.Errorf("event invoke configs %v, want the warmer's", rb.InvokeConfigs)
		}
		for fn, c := range rb.InvokeConfigs {
			if !strings.Contains(fn, "LiftWarmerFunction") || c.MaxRetryAttempts != 0 || c.MaxEventAgeSeconds != 120 {
				t.Errorf("function %s invoke config %+v, want the warmer's: 0 retries, 120 s", fn, c)
			}
		}
		// The alarms, created by the deploy and read back.
		for arn := range rb.Topics {
			if n := testsvc.CheckAlarms(t, rb, localcloud.DefaultStack, arn, rep.Function.Env[contract.EnvService]); n != len(rb.Alarms) || n < 10 {
				t.Errorf("checked %d alarms of %d read back; want every one, at least 10", n, len(rb.Alarms))
			}
		}
		// The live alias the warmer invokes, on a published version.
		if v := rb.Aliases[rep.Function.ARN+":live"]; v == "" || v == "$LATEST" {
			t.Errorf("aliases %v, want %s:live on a published version", rb.Aliases, rep.Function.ARN)
		}
		// The warmer's schedule, with the input the deploy resolved: the
		// function's live alias, two environments.
		if len(rb.Schedules) != 1 {
			t.Errorf("schedules %v, want the warmer's", rb.Schedules)
		}
		for name, sched := range rb.Schedules {
			var in contract.WarmerInput
			err := json.Unmarshal([]byte(sched.TargetInput), &in)
			if err != nil || len(in.Targets) != 1 || in.Targets[0].ARN != rep.Function.ARN+":live" || in.Targets[0].Concurrency != 2 ||
				!strings.Contains(sched.TargetARN, ":function:LiftQuickstart-LiftWarmerFunction") || sched.State != "ENABLED" {
				t.Errorf("schedule %s = %+v (%v); want the warmer invoked with %s:live ×2", name, sched, err, rep.Function.ARN)
			}
		}
		if len(rb.LogGroups) != 3 {
			t.Errorf("log groups %v, want the function's, the warmer's and the HTTP API's access logs", rb.LogGroups)
		}
		for name, days := range rb.LogGroups {
			if days <= 0 {
				t.Errorf("log group %s keeps logs forever; want a retention", name)
			}
		}
	})

	t.Run("front door read back", func(t *testing.T) {
		rb := rep.ReadBack
		if len(rb.HTTPAPIs) != 1 {
			t.Fatalf("HTTP APIs %v, want the quickstart's", rb.HTTPAPIs)
		}
		for id, api := range rb.HTTPAPIs {
			if url := rep.Stack.Outputs["ApiHttpUrl"]; !strings.HasPrefix(url, "https://"+id+".execute-api.us-east-1.") {
				t.Errorf("output ApiHttpUrl %q is not API %s's $default stage", url, id)
			}
			route, ok := rb.HTTPAPIs[id].Routes["$default"]
			if !ok || route.AuthorizationType != "AWS_IAM" || !strings.HasPrefix(route.Target, "integrations/") {
				t.Errorf("API %s routes %+v, want $default with AWS_IAM to an integration", id, api.Routes)
			}
			integ := api.Integrations[strings.TrimPrefix(route.Target, "integrations/")]
			if integ.URI != rep.Function.ARN+":live" || integ.PayloadFormatVersion != "2.0" || integ.Type != "AWS_PROXY" || integ.TimeoutMillis != 29000 {
				t.Errorf("integration %+v, want AWS_PROXY to %s:live, payload 2.0, 29 s", integ, rep.Function.ARN)
			}
			stage := api.Stages["$default"]
			if !stage.AutoDeploy || stage.RateLimit != 500 || stage.BurstLimit != 1000 || !strings.Contains(stage.AccessLogFormat, "$context.requestId") {
				t.Errorf("stage $default %+v, want auto-deployed, throttled 500/s burst 1000, JSON access logs", stage)
			}
			logGroup := stage.AccessLogDestination[strings.LastIndex(stage.AccessLogDestination, ":log-group:")+len(":log-group:"):]
			if days, ok := rb.LogGroups[strings.TrimSuffix(logGroup, ":*")]; !ok || days != 30 {
				t.Errorf("access logs go to %s (log groups %v), want a deployed log group kept 30 days", stage.AccessLogDestination, rb.LogGroups)
			}
		}
	})

	t.Run("asset", func(t *testing.T) {
		a := rep.Asset
		if !strings.HasPrefix(a.Bootstrap, filepath.Join(work, "cdk.out", "asset.")) || filepath.Base(a.Bootstrap) != "bootstrap" {
			t.Fatalf("bootstrap %q is not an asset of the deployed assembly in %s", a.Bootstrap, work)
		}
		tpl, err := os.ReadFile(filepath.Join(work, "cdk.out", localcloud.DefaultStack+".template.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(tpl), `"`+a.ID+`.zip"`) {
			t.Errorf("template does not reference asset %s.zip", a.ID)
		}
	})

	t.Run("warm-up is cold", func(t *testing.T) {
		w := rep.Warmup.Answer
		if w.Lift != contract.ControlWarmup || !w.ColdStart || w.InitType != "on-demand" || w.InstanceID == "" || w.Round != "liftdemo" {
			t.Fatalf("warm-up answer %s", rep.Warmup.Response)
		}
		catalog := false
		for _, h := range w.Hooks {
			catalog = catalog || h.Name == "catalog"
			if h.Error != "" {
				t.Errorf("warm-up hook %s failed: %s", h.Name, h.Error)
			}
		}
		if !catalog {
			t.Errorf("warm-up hooks %+v lack the quickstart's catalog hook", w.Hooks)
		}
	})

	t.Run("request is warm", func(t *testing.T) {
		q := rep.Request
		if q.StatusCode != http.StatusOK || q.ColdStart == nil || *q.ColdStart {
			t.Fatalf("request answer %s", q.Response)
		}
		var body struct{ Message string }
		if err := json.Unmarshal(q.Body, &body); err != nil || body.Message != "Hello, Lift!" {
			t.Fatalf("body %s (%v)", q.Body, err)
		}
	})

	t.Run("cache tiers: miss fills DynamoDB, then a memory hit", func(t *testing.T) {
		c := rep.Cache
		if c.FirstCached == nil || *c.FirstCached || c.First.StatusCode != http.StatusOK {
			t.Fatalf("first read must run the loader: %s", c.First.Response)
		}
		if len(c.Items) != 1 || !strings.Contains(c.Items[0].Key, "item/espresso") || c.Items[0].Bytes == 0 ||
			!c.Items[0].ExpiresAt.After(time.Now()) {
			t.Fatalf("DynamoDB table %s after the miss: %+v; want the espresso item with a future expiry", c.Table, c.Items)
		}
		if c.SecondCached == nil || !*c.SecondCached || c.MemoryHits < 1 {
			t.Fatalf("second read must be a memory hit: cached=%v, memory hits %g: %s", c.SecondCached, c.MemoryHits, c.Second.Response)
		}
	})

	t.Run("health passes", func(t *testing.T) {
		h := rep.Health.Answer
		if h.Status != contract.StatusPass {
			t.Fatalf("health answer %s", rep.Health.Response)
		}
		for _, name := range []string{"catalog", "cache"} {
			if c := h.Checks[name]; len(c) != 1 || c[0].Status != contract.StatusPass {
				t.Errorf("%s check %+v, want one passing", name, c)
			}
		}
		if h.InstanceID != "" && h.InstanceID != rep.Warmup.Answer.InstanceID {
			t.Errorf("health from instance %s, warm-up from %s: want one environment", h.InstanceID, rep.Warmup.Answer.InstanceID)
		}
	})

	t.Run("shutdown hooks ran", func(t *testing.T) {
		var ran, done, complete bool
		for _, l := range rep.Shutdown.Lines {
			switch l.Msg {
			case "shutdown hook ran": // the quickstart's own hook
				served, _ := l.Fields["served"].(float64)
				ran = served >= 1
			case "lift: shutdown hook done":
				done = l.Fields["hook"] == "report"
			case "lift: shutdown complete":
				complete = l.Fields["abandoned"] == float64(0)
			}
		}
		if !ran || !done || !complete {
			t.Fatalf("shutdown lines (hook ran %v, done %v, complete %v):\n%s", ran, done, complete, rep.FunctionLogs)
		}
	})

	t.Run("all checks", func(t *testing.T) {
		for _, c := range rep.Checks() {
			if !c.OK {
				t.Errorf("%s: %s", c.Name, c.Detail)
			}
		}
	})

	t.Run("torn down", func(t *testing.T) {
		client := &http.Client{Timeout: 2 * time.Second}
		for _, url := range []string{rep.MotoURL, rep.EmulatorURL} {
			if resp, err := client.Get(url); err == nil {
				resp.Body.Close()
				t.Errorf("%s still answers after the pipeline", url)
			}
		}
	})

	// After "torn down": this second local cloud must not be taken for the first.
	t.Run("HTTP through the adapter", func(t *testing.T) {
		checkQuickstartHTTP(t, ctx, filepath.Join(work, "cdk.out"), rep.Function.LogicalID)
	})
}
