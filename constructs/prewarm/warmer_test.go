package prewarm_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/prewarm"
	"github.com/liftcdk/lift/internal/contract"
)

// TestWarmer synthesizes one stack with a warmer of two targets (an alias and
// a version) and a provisioned alias the warmer must skip, and checks the
// schedules, the input each delivers, least-privilege IAM, cfn-lint and cdk-nag.
func TestWarmer(t *testing.T) {
	_, stack := cdktest.NewStack(t, "WarmerStack", cdktest.WithNag())
	api := newTarget(stack, "Api", nil)
	apiLive := api.AddAlias(jsii.String("live"), nil)
	worker := newTarget(stack, "Worker", jsii.Number(10))
	reports := newTarget(stack, "Reports", nil)
	pc := prewarm.NewProvisioned(stack, jsii.String("ReportsPc"), &prewarm.ProvisionedProps{Function: reports, MinCapacity: jsii.Number(2)})

	w := prewarm.NewWarmer(stack, jsii.String(prewarm.WarmerID), &prewarm.WarmerProps{
		Schedules: &[]awsscheduler.ScheduleExpression{
			awsscheduler.ScheduleExpression_Cron(&awsscheduler.CronOptionsWithTimezone{
				Minute: jsii.String("0/5"), Hour: jsii.String("8-19"), WeekDay: jsii.String("MON-FRI"),
				TimeZone: awscdk.TimeZone_EUROPE_PARIS(),
			}),
			awsscheduler.ScheduleExpression_Rate(awscdk.Duration_Minutes(jsii.Number(15))),
		},
		Hold:        awscdk.Duration_Millis(jsii.Number(400)),
		Parallelism: jsii.Number(50),
	})
	if !w.AddTarget(apiLive, &prewarm.TargetOptions{Concurrency: jsii.Number(3)}) {
		t.Fatal("AddTarget(alias) skipped it")
	}
	if !prewarm.WarmerOf(api).AddTarget(worker.CurrentVersion(), &prewarm.TargetOptions{Concurrency: jsii.Number(2), Name: jsii.String("worker")}) {
		t.Fatal("AddTarget(version) skipped it")
	}
	if prewarm.WarmerOf(stack) != w {
		t.Fatal("WarmerOf(stack) is not the stack's warmer")
	}
	if w.AddTarget(pc.Alias, &prewarm.TargetOptions{Concurrency: jsii.Number(2)}) {
		t.Fatal("a provisioned alias was added, want it skipped")
	}

	tmpl := cdktest.Template(stack)
	// An alias's ARN is its function's ARN + ":live" (lambdaarn.Qualified), never the alias's Ref.
	apiFnID := *stack.GetLogicalId(apiLive.Version().Lambda().Node().DefaultChild().(awscdk.CfnElement))
	warmerFnID := *stack.GetLogicalId(w.Function.Node().DefaultChild().(awscdk.CfnElement))
	workerFnID := *stack.GetLogicalId(worker.Node().DefaultChild().(awscdk.CfnElement))
	var versionID string // CurrentVersion's logical id gets its hash at synth
	for id, v := range cdktest.Resources(t, tmpl, "AWS::Lambda::Version") {
		if toJSON(get(v, "Properties", "FunctionName")) == `{"Ref":"`+workerFnID+`"}` {
			versionID = id
		}
	}

	t.Run("schedules", func(t *testing.T) {
		schedules := cdktest.Resources(t, tmpl, "AWS::Scheduler::Schedule")
		got := map[string]string{}
		for _, s := range schedules {
			p := s["Properties"].(map[string]any)
			got[p["ScheduleExpression"].(string)] = p["ScheduleExpressionTimezone"].(string)
			if mode := get(p, "FlexibleTimeWindow", "Mode"); mode != "OFF" {
				t.Errorf("FlexibleTimeWindow.Mode = %v, want OFF", mode)
			}
			if r := get(p, "Target", "RetryPolicy", "MaximumRetryAttempts"); r != 0.0 {
				t.Errorf("RetryPolicy.MaximumRetryAttempts = %v, want 0", r)
			}
			if arn := toJSON(get(p, "Target", "Arn")); arn != `{"Fn::GetAtt":["`+warmerFnID+`","Arn"]}` {
				t.Errorf("schedule target = %s, want the warmer function", arn)
			}
		}
		want := map[string]string{"cron(0/5 8-19 ? * MON-FRI *)": "Europe/Paris", "rate(15 minutes)": "Etc/UTC"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("schedules = %v, want %v", got, want)
		}
	})

	t.Run("input is the WarmerInput JSON", func(t *testing.T) {
		for id, s := range cdktest.Resources(t, tmpl, "AWS::Scheduler::Schedule") {
			text := renderJoin(t, get(s, "Properties", "Target", "Input"))
			var in contract.WarmerInput
			dec := json.NewDecoder(strings.NewReader(text))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				t.Fatalf("%s input %s does not decode as contract.WarmerInput: %v", id, text, err)
			}
			want := contract.WarmerInput{
				HoldMs: 400, BudgetMs: 60000, Parallelism: 50,
				Targets: []contract.WarmerTarget{
					{Name: "Api/Function/Aliaslive", ARN: "${" + apiFnID + ".Arn}:live", Concurrency: 3},
					{Name: "worker", ARN: "${" + versionID + "}", Concurrency: 2},
				},
			}
			// Each target carries its function's control token, whose SHA-256
			// is in that function's environment (and nowhere the token is).
			for i, fnID := range []string{apiFnID, workerFnID} {
				sum := sha256.Sum256([]byte(in.Targets[i].Token))
				if env := functionEnv(t, tmpl, fnID)[contract.EnvControlTokenSHA256]; len(in.Targets[i].Token) != 64 || env != hex.EncodeToString(sum[:]) {
					t.Errorf("target %d token %q: function %s has %s=%v, want its SHA-256", i, in.Targets[i].Token, fnID, contract.EnvControlTokenSHA256, env)
				}
				in.Targets[i].Token = ""
			}
			if in.Targets[0].Token == in.Targets[1].Token && in.Targets[0].Token != "" {
				t.Error("two functions share a control token")
			}
			if !reflect.DeepEqual(in, want) {
				t.Errorf("%s input = %+v, want %+v", id, in, want)
			}
		}
	})

	t.Run("warmer invokes exactly its targets' qualified ARNs", func(t *testing.T) {
		var invoke []any
		for _, pol := range cdktest.Resources(t, tmpl, "AWS::IAM::Policy") {
			for _, st := range get(pol, "Properties", "PolicyDocument", "Statement").([]any) {
				if get(st, "Sid") == "InvokeWarmedTargets" {
					invoke = append(invoke, st)
				}
			}
		}
		if len(invoke) != 1 {
			t.Fatalf("want one InvokeWarmedTargets statement, got %d", len(invoke))
		}
		got := toJSON(get(invoke[0], "Resource"))
		aliasARN := map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Fn::GetAtt": []any{apiFnID, "Arn"}}, ":live"}}}
		want := toJSON([]any{aliasARN, map[string]any{"Ref": versionID}})
		if got != want || toJSON(get(invoke[0], "Action")) != `"lambda:InvokeFunction"` {
			t.Errorf("invoke statement = %s, want lambda:InvokeFunction on %s", toJSON(invoke[0]), want)
		}
	})

	t.Run("scheduler role invokes only the warmer", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Action":    "sts:AssumeRole",
				"Principal": map[string]any{"Service": "scheduler.amazonaws.com"},
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": cdktest.Account}},
			}}},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Sid": "InvokeWarmer", "Action": "lambda:InvokeFunction", "Effect": "Allow",
				"Resource": map[string]any{"Fn::GetAtt": []any{warmerFnID, "Arn"}},
			}}},
		})
	})

	t.Run("warm-ups are not retried", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), map[string]any{
			"MaximumRetryAttempts": 0, "Qualifier": "$LATEST",
			"FunctionName": map[string]any{"Ref": warmerFnID},
		})
	})

	t.Run("provisioned alias skipped with a warning", func(t *testing.T) {
		warnings := assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("provisioned concurrency and is not warmed")))
		if len(*warnings) != 1 {
			t.Errorf("want one skipped-provisioned warning, got %d", len(*warnings))
		}
	})

	cdktest.Compliance(t, stack)
}

// functionEnv is the Environment.Variables of the function with logical id fnID.
func functionEnv(t *testing.T, tmpl assertions.Template, fnID string) map[string]any {
	t.Helper()
	fn, ok := cdktest.Resources(t, tmpl, "AWS::Lambda::Function")[fnID]
	if !ok {
		t.Fatalf("no function %s", fnID)
	}
	env, _ := get(fn, "Properties", "Environment", "Variables").(map[string]any)
	return env
}

// TestControlToken: the token is the same on every synth of the same app,
// differs per function and changes with the configured secret.
func TestControlToken(t *testing.T) {
	tokenHash := func(opts ...cdktest.Option) string {
		_, stack := cdktest.NewStack(t, "Tok", append(opts, noBundling)...)
		fn := newTarget(stack, "Api", nil)
		prewarm.WarmerOf(stack).AddTarget(fn.AddAlias(jsii.String("live"), nil), nil)
		tmpl := cdktest.Template(stack)
		h, _ := functionEnv(t, tmpl, *stack.GetLogicalId(fn.Node().DefaultChild().(awscdk.CfnElement)))[contract.EnvControlTokenSHA256].(string)
		if len(h) != 64 {
			t.Fatalf("%s = %q, want a SHA-256 hex", contract.EnvControlTokenSHA256, h)
		}
		return h
	}
	first, again := tokenHash(), tokenHash()
	if first != again {
		t.Errorf("the token changed between two synths of the same app: %s, then %s", first, again)
	}
	secret := tokenHash(cdktest.WithContext("lift:controlSecret", "s3cret"))
	if secret == first || secret != tokenHash(cdktest.WithContext("lift:controlSecret", "s3cret")) {
		t.Errorf("with a secret the token must differ from the public derivation and stay stable: %s, %s", first, secret)
	}
}

// TestWarmerLivesInTheTree: WarmerOf finds a warmer made under any id by
// walking the stack's children, and apps never share one.
func TestWarmerLivesInTheTree(t *testing.T) {
	_, one := cdktest.NewStack(t, "One", noBundling)
	w := prewarm.NewWarmer(one, jsii.String("Custom"), nil)
	if prewarm.WarmerOf(one) != w {
		t.Fatal("WarmerOf did not find the stack's warmer")
	}
	_, two := cdktest.NewStack(t, "One", noBundling) // same stack name, another app
	if other := prewarm.WarmerOf(two); other == w || *other.Node().Id() != prewarm.WarmerID {
		t.Fatalf("a second app got the first app's warmer (%s)", *other.Node().Path())
	}
}
