package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/liftcdk/lift/cmd/lift/internal/local"
	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// emulator answers as one function's RIE would: a health report with one
// check named after the function, any other event with the function's name;
// then it logs a REPORT line with the function's own duration, ms.
func emulator(t *testing.T, function, log string, ms string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if strings.Contains(string(body), `"lift":"health"`) {
			_, _ = io.WriteString(w, `{"status":"pass","checks":{"`+function+`":[{"status":"pass","observedValue":1,"observedUnit":"ms"}]}}`)
		} else {
			_, _ = io.WriteString(w, `{"function":"`+function+`"}`)
		}
		f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, _ = io.WriteString(f, "REPORT RequestId: r-1\tDuration: "+ms+" ms\tBilled Duration: 4 ms\n")
			_ = f.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/2015-03-31/functions/function/invocations"
}

// workerCloud writes the state of a local cloud whose "reports" service has
// a jobs worker, listed before the service's own function (as a stack may
// list them), plus the stack's warmer, and serves its Lambda endpoint with
// the router lift local up runs. The test's folder becomes the app's.
func workerCloud(t *testing.T) {
	app := t.TempDir()
	t.Chdir(app)
	logs := filepath.Join(app, local.Dir, "logs")
	if err := os.MkdirAll(logs, 0o700); err != nil {
		t.Fatal(err)
	}
	st := local.State{App: app, AWS: "http://127.0.0.1:1"}
	routes, logFiles := localsvc.LambdaRoutes{}, map[string]string{}
	for _, f := range []struct{ service, function, ms string }{
		{"reports/worker", "reportsWorker", "2.00"}, {"reports", "reportsApi", "1.00"}, {local.WarmerService, "warmer", "3.00"},
	} {
		log := filepath.Join(logs, f.function+".log")
		if err := os.WriteFile(log, []byte("a line of "+f.function+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		url := emulator(t, f.function, log, f.ms)
		routes[f.function+":"+local.AliasName], logFiles[url] = []string{url}, log
		st.Funcs = append(st.Funcs, local.Function{Service: f.service, Stack: "Reports", Name: f.function, URL: url, Proc: local.Proc{Log: log}})
	}
	r, err := localsvc.NewLambdaRouter(routes, localsvc.LambdaRouterOptions{LogFiles: logFiles})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	st.Lambda = r.URL
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, local.Dir, "state.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// runLift runs the lift command line and returns its exit code and output.
func runLift(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errOut)
	t.Logf("lift %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// TestLocalJobsWorkerNames: SERVICE is always the service's own function and
// SERVICE/worker its jobs worker, for invoke, bench, logs and health, even
// when the worker comes first in the local cloud; an unknown name lists the
// valid ones.
func TestLocalJobsWorkerNames(t *testing.T) {
	workerCloud(t)
	for _, want := range []struct {
		name, function string
		ms             float64 // in the function's REPORT lines
	}{{"reports", "reportsApi", 1}, {"reports/worker", "reportsWorker", 2}} {
		code, out, _ := runLift(t, "logs", want.name)
		if code != ExitOK || !strings.HasSuffix(out, " a line of "+want.function+"\n") {
			t.Errorf("lift logs %s: exit %d, %q; want %s's log", want.name, code, out, want.function)
		}
		code, out, _ = runLift(t, "invoke", want.name, "--json")
		var r result
		var answer struct{ Function string }
		if code != ExitOK || json.Unmarshal([]byte(out), &r) != nil || json.Unmarshal(r.Response, &answer) != nil ||
			r.Service != want.name || r.Function != want.function+":live" || answer.Function != want.function || r.FunctionMs != want.ms {
			t.Errorf("lift invoke %s: exit %d, %s; want %s's answer and REPORT", want.name, code, out, want.function)
		}
		code, out, _ = runLift(t, "bench", want.name, "--duration", "200ms", "--json")
		var rep benchReport
		if code != ExitOK || json.Unmarshal([]byte(out), &rep) != nil || rep.Service != want.name || rep.Function != want.function+":live" ||
			rep.Requests == 0 || rep.Errors != 0 || rep.FunctionMs.Max != want.ms {
			t.Errorf("lift bench %s: exit %d, %s; want load on %s", want.name, code, out, want.function)
		}
	}

	code, out, _ := runLift(t, "health", "--json")
	var rows []healthRow
	if code != ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 2 {
		t.Fatalf("lift health: exit %d, %s; want a row for reports and one for reports/worker", code, out)
	}
	for _, r := range rows {
		want := map[string]string{"reports": "reportsApi", "reports/worker": "reportsWorker"}[r.Service]
		if len(r.Checks) != 1 || r.Checks[0].Name != want {
			t.Errorf("health row %s: %+v; want %s's answer", r.Service, r, want)
		}
	}
	if code, out, _ := runLift(t, "health", "reports/worker"); code != ExitOK || !strings.Contains(out, "reports/worker  pass    reportsWorker=pass") {
		t.Errorf("lift health reports/worker: exit %d, %s", code, out)
	}

	code, _, errOut := runLift(t, "invoke", "report")
	if code != ExitError || !strings.Contains(errOut, `no service report in the local cloud (valid names: reports/worker, reports, lift-warmer)`) {
		t.Errorf("lift invoke report: exit %d, %s; want the valid names", code, errOut)
	}
	if code, _, errOut := runLift(t, "health", "reports", "orders/worker"); code != ExitError || !strings.Contains(errOut, "no service orders/worker") {
		t.Errorf("lift health reports orders/worker: exit %d, %s", code, errOut)
	}
}

// lift local up's summary names the worker SERVICE/worker.
func TestPrintLocalNamesTheWorker(t *testing.T) {
	var out bytes.Buffer
	printLocal(&streams{out: &out}, &local.State{Funcs: []local.Function{
		{Service: "reports/worker", Stack: "Reports", URL: "http://127.0.0.1:2/w"},
		{Service: "reports", Stack: "Reports", URL: "http://127.0.0.1:1/a"},
	}})
	for _, want := range []string{"reports/worker  Reports  http://127.0.0.1:2/w", "reports         Reports  http://127.0.0.1:1/a"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// TestStackJobsWorkerNames: with --stack, lift finds a service's function
// and its jobs worker (LIFT_JOBS_WORKER=true) from the stack's resources, in
// moto, whichever the stack lists first; functions without LIFT_SERVICE are
// not Lift's.
func TestStackJobsWorkerNames(t *testing.T) {
	m := testsvc.Moto(t)
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": m.URL, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	function := func(name, env string) string {
		return `"` + name + `":{"Type":"AWS::Lambda::Function","Properties":{"FunctionName":"` + name + `","Runtime":"provided.al2023",
			"Handler":"bootstrap","Role":{"Fn::GetAtt":["Role","Arn"]},"Code":{"ZipFile":"x"},"Environment":{"Variables":{` + env + `}}}}`
	}
	template := `{"Resources":{"Role":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{"Version":"2012-10-17",
		"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}}},` +
		function("AWorker", `"LIFT_SERVICE":"reports","LIFT_JOBS_WORKER":"true"`) + "," +
		function("BApi", `"LIFT_SERVICE":"reports"`) + "," +
		function("CPlain", `"OTHER":"1"`) + `}}`
	ctx := t.Context()
	cfn := cloudformation.NewFromConfig(m.AWSConfig(t))
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("Reports"), TemplateBody: aws.String(template),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}}); err != nil {
		t.Fatal(err)
	}
	w := &where{stack: "Reports"}
	for _, c := range []struct {
		names []string
		want  string
	}{
		{[]string{"reports"}, "BApi"},
		{[]string{"reports/worker"}, "AWorker"},
		{nil, "AWorker,BApi"},
	} {
		ts, err := w.resolve(ctx, c.names)
		var got []string
		for _, tg := range ts {
			got = append(got, tg.Function)
		}
		if err != nil || strings.Join(got, ",") != c.want {
			t.Errorf("resolve %v: %v, %v; want %s", c.names, got, err, c.want)
		}
	}
	_, err := w.resolve(ctx, []string{"reports/worke"})
	if err == nil || !strings.Contains(err.Error(), "no service reports/worke in stack Reports (valid names: reports/worker, reports)") {
		t.Errorf("resolve of an unknown name: %v; want the valid names", err)
	}
}
