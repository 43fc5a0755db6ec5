package provisioned

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
)

const (
	stackName = "LiftProvisioned"     // examples/provisioned.StackName (a main package)
	service   = "provisioned-example" // the example's gofunction ServiceName
	aliasName = "live"

	envInitType     = "AWS_LAMBDA_INITIALIZATION_TYPE"
	initProvisioned = "provisioned-concurrency"
	initOnDemand    = "on-demand"
)

// greeting is the example handler's answer (examples/provisioned/handler).
type greeting struct {
	Message  string `json:"message"`
	InitType string `json:"initType"`
	Instance string `json:"instance"`
}

// TestProvisionedLocalCloud deploys the example with `cdk deploy`, reads back
// what moto created, and runs the deployed bootstrap with the deployed
// configuration as a provisioned-concurrency and as an on-demand environment.
func TestProvisionedLocalCloud(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	c := testsvc.Deploy(t, ctx, localcloud.Options{Stack: stackName, App: "go run ./examples/provisioned"})
	fn, err := c.Function(ctx, only(t, c.Stack(), "AWS::Lambda::Function").LogicalID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("stack", func(t *testing.T) {
		st := c.Stack()
		if st.Name != stackName || st.Status != "CREATE_COMPLETE" {
			t.Fatalf("stack %s status %s", st.Name, st.Status)
		}
		types := map[string]int{}
		for _, r := range st.Resources {
			if r.LogicalID == "" {
				continue // moto lists the resources it skipped without names
			}
			types[r.Type]++
			if r.Status != "CREATE_COMPLETE" {
				t.Errorf("resource %s (%s) is %s", r.LogicalID, r.Type, r.Status)
			}
		}
		// The function's and the scaling target's roles.
		want := map[string]int{"AWS::Lambda::Function": 1, "AWS::Lambda::Version": 1, "AWS::Lambda::Alias": 1, "AWS::Logs::LogGroup": 1, "AWS::IAM::Role": 2,
			"AWS::ApplicationAutoScaling::ScalableTarget": 1, "AWS::ApplicationAutoScaling::ScalingPolicy": 1}
		if !maps.Equal(types, want) {
			t.Errorf("named resources by type %v, want %v\n%+v", types, want, st.Resources)
		}
	})

	t.Run("alias", func(t *testing.T) {
		if got, want := c.Stack().Outputs["ApiAliasArn"], fn.ARN+":"+aliasName; got != want {
			t.Errorf("output ApiAliasArn = %q, want %q", got, want)
		}
		// The alias, read back from Lambda, points at the published version.
		if v := c.Report().ReadBack.Aliases[fn.ARN+":"+aliasName]; v == "" || v == "$LATEST" {
			t.Errorf("aliases read back %v, want %s:%s on a published version", c.Report().ReadBack.Aliases, fn.ARN, aliasName)
		}
		// moto has no provisioned concurrency: assert it in the template the
		// deploy used.
		version := only(t, c.Stack(), "AWS::Lambda::Version").LogicalID
		tpl, err := c.Template()
		if err != nil {
			t.Fatal(err)
		}
		var aliases []string
		for id, r := range tpl.Resources {
			if r.Type == "AWS::Lambda::Alias" {
				aliases = append(aliases, id)
			}
		}
		if len(aliases) != 1 {
			t.Fatalf("template has aliases %v, want the one live alias", aliases)
		}
		ref := struct{ Ref string }{aliases[0]}
		var alias struct {
			Name            string
			FunctionName    struct{ Ref string }
			FunctionVersion struct {
				GetAtt []string `json:"Fn::GetAtt"`
			}
			ProvisionedConcurrencyConfig struct{ ProvisionedConcurrentExecutions int }
		}
		if err := json.Unmarshal(tpl.Resources[ref.Ref].Properties, &alias); err != nil {
			t.Fatal(err)
		}
		if alias.Name != aliasName || alias.FunctionName.Ref != fn.LogicalID ||
			strings.Join(alias.FunctionVersion.GetAtt, ".") != version+".Version" ||
			alias.ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions != 1 {
			t.Errorf("alias %s = %+v, want %q of %s at %s.Version with 1 provisioned environment",
				ref.Ref, alias, aliasName, fn.LogicalID, version)
		}
	})

	t.Run("scaling", func(t *testing.T) {
		// Read back by the deploy through Application Auto Scaling's
		// Describe* calls; the values are examples/provisioned/stack.go's.
		targets := c.Report().ReadBack.ScalableTargets
		resourceID := "function:" + fn.Name + ":" + aliasName
		const dimension = "lambda:function:ProvisionedConcurrency"
		ref := resourceID + "|" + dimension + "|lambda"
		if got := only(t, c.Stack(), "AWS::ApplicationAutoScaling::ScalableTarget").PhysicalID; got != ref {
			t.Errorf("scalable target physical id %q, want its Ref %q", got, ref)
		}
		st, ok := targets[ref]
		if len(targets) != 1 || !ok {
			t.Fatalf("scalable targets read back %+v, want the one on %s", targets, ref)
		}
		if st.Namespace != "lambda" || st.ResourceID != resourceID || st.Dimension != dimension || st.MinCapacity != 1 || st.MaxCapacity != 2 {
			t.Errorf("scalable target %+v, want %s of %s, 1 to 2", st, dimension, resourceID)
		}
		const tz = "America/New_York"
		wantActions := map[string]localcloud.ScheduledActionReadBack{
			"Window0Start": {Schedule: "cron(0 8 ? * MON-FRI *)", Timezone: tz, MinCapacity: 10, MaxCapacity: 20},
			"Window0End":   {Schedule: "cron(0 20 ? * MON-FRI *)", Timezone: tz, MinCapacity: 1, MaxCapacity: 2},
		}
		if !maps.Equal(st.ScheduledActions, wantActions) {
			t.Errorf("scheduled actions %+v, want %+v", st.ScheduledActions, wantActions)
		}
		policy := only(t, c.Stack(), "AWS::ApplicationAutoScaling::ScalingPolicy").PhysicalID
		if len(st.Policies) != 1 {
			t.Fatalf("scaling policies %+v, want one", st.Policies)
		}
		for name, p := range st.Policies {
			wantDims := map[string]string{"FunctionName": fn.Name, "Resource": fn.Name + ":" + aliasName}
			if p.ARN != policy || !strings.HasSuffix(p.ARN, ":policyName/"+name) || p.Type != "TargetTrackingScaling" ||
				p.TargetValue != 0.7 || p.PredefinedMetric != "" || p.Namespace != "AWS/Lambda" ||
				p.MetricName != "ProvisionedConcurrencyUtilization" || p.Statistic != "Maximum" || !maps.Equal(p.Dimensions, wantDims) {
				t.Errorf("policy %s = %+v, want %s (the stack's), tracking 0.7 of the Maximum AWS/Lambda ProvisionedConcurrencyUtilization of %v",
					name, p, policy, wantDims)
			}
		}
	})

	t.Run("function configuration", func(t *testing.T) {
		if fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" {
			t.Errorf("runtime %q handler %q, want provided.al2023 and bootstrap", fn.Runtime, fn.Handler)
		}
		if len(fn.Architectures) != 1 || fn.Architectures[0] != localcloud.HostArchitecture() {
			t.Errorf("architectures %v, want [%s] (from -c lift:architecture)", fn.Architectures, localcloud.HostArchitecture())
		}
		if fn.MemoryMB != 512 || fn.TimeoutSeconds != 10 {
			t.Errorf("memory %d MB, timeout %d s; want 512 MB and 10 s (examples/provisioned/stack.go)", fn.MemoryMB, fn.TimeoutSeconds)
		}
		if fn.Env[contract.EnvService] != service {
			t.Errorf("%s = %q, want %s; env %v", contract.EnvService, fn.Env[contract.EnvService], service, fn.Env)
		}
		if want := "arn:aws:lambda:" + testsvc.MotoRegion + ":" + testsvc.MotoAccountID + ":function:" + fn.Name; fn.ARN != want {
			t.Errorf("ARN %q, want %q", fn.ARN, want)
		}
	})

	t.Run("published version", func(t *testing.T) {
		out, err := lambda.NewFromConfig(c.Moto().AWSConfig()).ListVersionsByFunction(ctx,
			&lambda.ListVersionsByFunctionInput{FunctionName: aws.String(fn.Name)})
		if err != nil {
			t.Fatal(err)
		}
		var published []string
		for _, v := range out.Versions {
			if aws.ToString(v.Version) == "$LATEST" {
				continue
			}
			published = append(published, aws.ToString(v.Version))
			if aws.ToString(v.CodeSha256) != fn.CodeSha256 {
				t.Errorf("version %s has code %s, the function %s", aws.ToString(v.Version), aws.ToString(v.CodeSha256), fn.CodeSha256)
			}
		}
		if len(published) != 1 {
			t.Errorf("published versions %v, want one (CurrentVersion, which the alias points at)", published)
		}
	})

	t.Run("log group", func(t *testing.T) {
		name := only(t, c.Stack(), "AWS::Logs::LogGroup").PhysicalID
		// Read back by the deploy through logs DescribeLogGroups. One month:
		// gofunction's default, which the example keeps.
		groups := c.Report().ReadBack.LogGroups
		if days, ok := groups[name]; !ok || days != 30 {
			t.Errorf("log group %s: retention %d days (found %v), want 30; read back %v", name, days, ok, groups)
		}
	})

	var provisionedInstance string
	t.Run("provisioned-concurrency environment", func(t *testing.T) {
		// localsvc.StartRIE defaults the variable to on-demand (the emulator
		// sets none) and lets this override win; RIE hands its environment to
		// the runtime unchanged (only its managed-instances mode, entered
		// with AWS_LAMBDA_MAX_CONCURRENCY, forces an init type).
		p := testsvc.Emulate(t, c, fn, map[string]string{envInitType: initProvisioned})

		var w contract.WarmupResponse
		invoke(t, ctx, p, contract.WarmupEvent{Lift: contract.ControlWarmup, Round: "provisioned"}, &w)
		if w.Lift != contract.ControlWarmup || w.ColdStart || w.InitType != initProvisioned || w.InstanceID == "" || w.Round != "provisioned" {
			t.Fatalf("warm-up answer %+v, want no cold start in a %s environment", w, initProvisioned)
		}
		provisionedInstance = w.InstanceID

		var g greeting
		invoke(t, ctx, p, map[string]string{"name": "Ada"}, &g)
		if want := (greeting{Message: "hello, Ada", InitType: initProvisioned, Instance: w.InstanceID}); g != want {
			t.Errorf("answer %+v, want %+v (the warmed environment)", g, want)
		}

		var h contract.HealthResponse
		invoke(t, ctx, p, contract.HealthEvent{Lift: contract.ControlHealth}, &h)
		if h.Status != contract.StatusPass || h.ServiceID != service || h.InstanceID != w.InstanceID {
			t.Errorf("health answer %+v, want %s from %s instance %s", h, contract.StatusPass, service, w.InstanceID)
		}

		p.Terminate(t)
		logs := p.Logs() // whole: the emulator and the runtime have exited
		recs := localcloud.LogLines(logs)
		if cold := metricValues(t, recs, contract.MetricColdStart); len(cold) != 0 {
			t.Errorf("%s values %v: a provisioned-concurrency init is no cold start\n%s", contract.MetricColdStart, cold, logs)
		}
		// The example registers no shutdown hooks: the runtime's own
		// shutdown (report, metrics flush) is what SIGTERM must run.
		var complete []map[string]any
		for _, l := range recs {
			if l.Msg == "lift: shutdown complete" {
				complete = append(complete, l.Fields)
			}
		}
		if len(complete) != 1 || complete[0]["hooks"] != 0.0 || complete[0]["abandoned"] != 0.0 {
			t.Errorf("shutdown completion lines %v, want one with 0 hooks, 0 abandoned\n%s", complete, logs)
		}
		if d := metricValues(t, recs, contract.MetricShutdownDuration); len(d) != 1 {
			t.Errorf("%s values %v, want one after SIGTERM\n%s", contract.MetricShutdownDuration, d, logs)
		}
	})

	t.Run("on-demand environment", func(t *testing.T) {
		p := testsvc.Emulate(t, c, fn, nil) // on-demand: what Lambda sets without provisioned concurrency

		var first, second greeting
		invoke(t, ctx, p, map[string]string{"name": "Ada"}, &first)
		if first.Message != "hello, Ada" || first.InitType != initOnDemand || first.Instance == "" || first.Instance == provisionedInstance {
			t.Fatalf("first answer %+v, want hello, Ada from a new %s environment", first, initOnDemand)
		}
		invoke(t, ctx, p, map[string]string{"name": "Grace"}, &second)
		if want := (greeting{Message: "hello, Grace", InitType: initOnDemand, Instance: first.Instance}); second != want {
			t.Errorf("second answer %+v, want %+v", second, want)
		}

		p.Terminate(t)
		logs := p.Logs()
		if cold := metricValues(t, localcloud.LogLines(logs), contract.MetricColdStart); len(cold) != 1 || cold[0] != 1 {
			t.Errorf("%s values %v, want [1]: the first request of an on-demand init only\n%s", contract.MetricColdStart, cold, logs)
		}
	})
}

// only returns the stack's one resource of type typ.
func only(t *testing.T, st localcloud.Stack, typ string) localcloud.Resource {
	t.Helper()
	var found []localcloud.Resource
	for _, r := range st.Resources {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("stack %s has %d %s resources, want 1: %+v", st.Name, len(found), typ, st.Resources)
	}
	return found[0]
}

// invoke sends payload as one invocation and decodes the answer into out; a
// function error fails the test.
func invoke(t *testing.T, ctx context.Context, p *testsvc.RIEProcess, payload, out any) {
	t.Helper()
	in, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	body, _, err := p.Invoke(ctx, in)
	if err != nil {
		t.Fatalf("invoke %s: %v\n%s", in, err, p.Logs())
	}
	var fe struct{ ErrorMessage, ErrorType string }
	if json.Unmarshal(body, &fe) == nil && fe.ErrorMessage != "" {
		t.Fatalf("invoke %s: the function answered %s: %s\n%s", in, fe.ErrorType, fe.ErrorMessage, p.Logs())
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("invoke %s: answer %s: %v", in, body, err)
	}
}

// metricValues returns the values of the EMF metric name in recs, checking
// each record's namespace and Service dimension.
func metricValues(t *testing.T, recs []localcloud.LogLine, name string) []float64 {
	t.Helper()
	var values []float64
	for _, l := range recs {
		r := l.Fields
		v, ok := r[name].(float64)
		if _, emf := r["_aws"]; !emf || !ok {
			continue
		}
		b, _ := json.Marshal(r["_aws"])
		var d struct{ CloudWatchMetrics []struct{ Namespace string } }
		if json.Unmarshal(b, &d) != nil || len(d.CloudWatchMetrics) != 1 || d.CloudWatchMetrics[0].Namespace != contract.MetricsNamespace ||
			r[contract.DimService] != service {
			t.Errorf("%s record %v: want namespace %s, %s=%s", name, r, contract.MetricsNamespace, contract.DimService, service)
		}
		values = append(values, v)
	}
	return values
}
