package stack_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/examples/reports/stack"
)

// TestStack synthesizes the example as `cdk synth` in its folder does (its
// cdk.json, default arm64, both handlers really built) with cdk-nag
// AwsSolutions, and checks the golden template, cfn-lint, cdk-nag and the
// wiring the example relies on: one service name for both functions, the
// queue's environment on both, the worker fed by the queue with partial
// batch failures, IAM auth on the API.
func TestStack(t *testing.T) {
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	app := cdktest.NewApp(t, cdktest.WithCDKJSON(filepath.Join(dir, "cdk.json")), cdktest.WithNag())
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	r := stack.NewReportsStack(app, stack.StackName, &stack.ReportsProps{
		StackProps:   awscdk.StackProps{Env: cdktest.Env()},
		Architecture: arch,
		APIEntry:     filepath.Join(dir, stack.DefaultAPIEntry),
		WorkerEntry:  filepath.Join(dir, stack.DefaultWorkerEntry),
	})
	raw := cdktest.TemplateJSON(t, r.Stack)
	t.Run("golden", func(t *testing.T) {
		cdktest.Golden(t, filepath.Join("..", "testdata", stack.StackName+".template.json"), raw)
	})
	cdktest.Compliance(t, r.Stack)

	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	id := func(c constructs.IConstruct) string {
		for c != nil {
			if el, ok := c.(awscdk.CfnElement); ok {
				return *r.Stack.GetLogicalId(el)
			}
			c = c.Node().DefaultChild()
		}
		t.Fatal("construct has no CloudFormation resource")
		return ""
	}
	env := func(fn string) map[string]any {
		return tpl.Resources[fn].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	}
	apiFn, workerFn, queue := id(r.Service.Function), id(r.Service.Jobs.Worker), id(r.Service.Jobs.Queue)
	workerAlias := id(r.Service.Jobs.WorkerAlias)

	t.Run("both functions are the reports service on the queue", func(t *testing.T) {
		for name, fn := range map[string]string{"api": apiFn, "worker": workerFn} {
			e := env(fn)
			if e["LIFT_SERVICE"] != stack.ServiceName || e["LIFT_CACHE_KIND"] != "dynamodb" || e["LIFT_JOBS_MAX_ATTEMPTS"] != "3" ||
				toJSON(e["LIFT_JOBS_QUEUE_URL"]) != toJSON(map[string]any{"Ref": queue}) {
				t.Errorf("%s's environment %v: want LIFT_SERVICE=%s, the DynamoDB tier, the queue %s and 3 attempts", name, e, stack.ServiceName, queue)
			}
		}
		if env(workerFn)["LIFT_JOBS_WORKER"] != "true" || env(apiFn)["LIFT_JOBS_WORKER"] != nil {
			t.Errorf("LIFT_JOBS_WORKER: worker %v, api %v; want true on the worker only, so tools tell the two apart",
				env(workerFn)["LIFT_JOBS_WORKER"], env(apiFn)["LIFT_JOBS_WORKER"])
		}
		if _, ok := env(workerFn)[report.EnvStepDelay]; ok {
			t.Errorf("the worker sets %s by default; reports must take their full time", report.EnvStepDelay)
		}
		if timeout := tpl.Resources[workerFn].Properties["Timeout"]; timeout != float64(120) {
			t.Errorf("worker timeout %v, want DefaultWorkerTimeout (120 s)", timeout)
		}
	})

	t.Run("the queue feeds the worker with partial batch failures", func(t *testing.T) {
		var found int
		for _, res := range tpl.Resources {
			if res.Type != "AWS::Lambda::EventSourceMapping" {
				continue
			}
			found++
			p := res.Properties
			if !strings.Contains(toJSON(p["EventSourceArn"]), `"`+queue+`"`) || toJSON(p["FunctionResponseTypes"]) != `["ReportBatchItemFailures"]` ||
				!strings.Contains(toJSON(p["FunctionName"]), `"`+workerAlias+`"`) || p["BatchSize"] != float64(1) {
				t.Errorf("event source mapping %v: want the queue %s to the worker's alias %s, one job a batch, with ReportBatchItemFailures", p, queue, workerAlias)
			}
		}
		if found != 1 {
			t.Errorf("%d event source mappings, want the worker's one", found)
		}
	})

	t.Run("both queues refuse requests without TLS", func(t *testing.T) {
		for name, q := range map[string]string{"queue": queue, "dead-letter queue": id(r.Service.Jobs.DeadLetterQueue)} {
			var denies int
			for _, res := range tpl.Resources {
				p := toJSON(res.Properties)
				if res.Type == "AWS::SQS::QueuePolicy" && strings.Contains(toJSON(res.Properties["Queues"]), `"`+q+`"`) &&
					strings.Contains(p, `"Effect":"Deny"`) && strings.Contains(p, `"aws:SecureTransport":"false"`) {
					denies++
				}
			}
			if denies != 1 {
				t.Errorf("the %s %s has %d policies denying requests without TLS, want 1", name, q, denies)
			}
		}
	})

	t.Run("the API takes SigV4-signed requests only", func(t *testing.T) {
		for _, res := range tpl.Resources {
			if res.Type == "AWS::ApiGatewayV2::Route" && res.Properties["AuthorizationType"] != "AWS_IAM" {
				t.Errorf("route %v is not AWS_IAM", res.Properties)
			}
		}
	})
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
