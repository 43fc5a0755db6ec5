package monitoring_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/internal/contract"
)

func newStack() (awscdk.Stack, awslambda.Function) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({})")),
	})
	return stack, fn
}

func fullProps(fn awslambda.Function, stack awscdk.Stack) *monitoring.Props {
	alias := awslambda.NewAlias(stack, jsii.String("Live"), &awslambda.AliasProps{
		AliasName: jsii.String("live"), Version: fn.CurrentVersion(),
	})
	table := awsdynamodb.NewTable(stack, jsii.String("Cache"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
	})
	return &monitoring.Props{
		ServiceName:         jsii.String("orders"),
		Function:            fn,
		Timeout:             awscdk.Duration_Seconds(jsii.Number(10)),
		ReservedConcurrency: jsii.Number(50),
		ProvisionedAlias:    alias,
		WarmerTarget:        jsii.String("orders"),
		CacheTier:           jsii.String(contract.TierDynamoDB),
		Table:               table,
		ElastiCache: &monitoring.ElastiCacheProps{
			ServerlessCacheName: jsii.String("orders-cache"),
			MaxECPUPerSecond:    jsii.Number(5000),
			MaxDataStorageGB:    jsii.Number(10),
		},
		DiscoveryTargets: jsii.Strings("inventory"),
	}
}

func TestEveryAlarmGroup(t *testing.T) {
	stack, fn := newStack()
	mon := monitoring.New(stack, jsii.String("Monitoring"), fullProps(fn, stack))
	tmpl := assertions.Template_FromStack(stack, nil)

	// function 3 + concurrency 1 + provisioned 2, runtime 2 + cache 2 + discovery 2 + warmer 1,
	// table 2, serverless cache 5.
	const want = 20
	if got := len(mon.Alarms); got != want {
		t.Fatalf("created %d alarms, want %d: %v", got, want, slices.Sorted(maps.Keys(mon.Alarms)))
	}
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(want))
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(1))
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(1))

	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":          "Shop-orders-ErrorRate",
		"Threshold":          5,
		"EvaluationPeriods":  3,
		"DatapointsToAlarm":  3,
		"ComparisonOperator": "GreaterThanOrEqualToThreshold",
		"TreatMissingData":   "notBreaching",
		"Metrics": assertions.Match_ArrayWith(&[]any{map[string]any{
			"Expression": "IF(invocations - FILL(warmups, 0) > 0, 100 * errors / (invocations - FILL(warmups, 0)), 0)", "Id": "expr_1",
			"Label": "Error rate (%)", "ReturnData": true,
		}}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-ElastiCacheMemory",
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Expression": "100 * bytes / 10000000000", // never exponent notation: metric math rejects it
		})}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-DurationP99",
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Expression": "100 * p99 / 10000",
		})}),
	})
	// Runtime metrics come from the contract's namespace and Service dimension.
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":  "Shop-orders-HealthFailing",
		"Namespace":  contract.MetricsNamespace,
		"MetricName": contract.MetricHealthFailed,
		"Dimensions": []any{map[string]any{"Name": contract.DimService, "Value": "orders"}},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":          "Shop-orders-CacheHitRatio",
		"ComparisonOperator": "LessThanThreshold",
		"Threshold":          50,
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":  "Shop-orders-BreakerOpen-inventory",
		"MetricName": contract.MetricBreakerOpen,
		"Dimensions": assertions.Match_ArrayWith(&[]any{map[string]any{"Name": contract.DimTarget, "Value": "inventory"}}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":  "Shop-orders-WarmerShortfall",
		"MetricName": contract.MetricWarmerShortfall,
		"Dimensions": []any{map[string]any{"Name": contract.DimTarget, "Value": "orders"}},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":        "Shop-orders-ProvisionedUtilization",
		"AlarmDescription": "Provisioned concurrency is at least 95% used (Maximum statistic); scaling is not keeping up.",
		"Threshold":        95,
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Expression": "100 * util"}),
			assertions.Match_ObjectLike(&map[string]any{"MetricStat": assertions.Match_ObjectLike(&map[string]any{
				"Metric": assertions.Match_ObjectLike(&map[string]any{"MetricName": "ProvisionedConcurrencyUtilization"}), "Stat": "Maximum"})})}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName":  "Shop-orders-ElastiCacheThrottled",
		"Namespace":  "AWS/ElastiCache",
		"Dimensions": []any{map[string]any{"Name": "clusterId", "Value": "orders-cache"}},
	})
	// Individual alarms stay quiet; the composite notifies, on ALARM and OK.
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-Throttles", "AlarmActions": assertions.Match_Absent(),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::CompositeAlarm"), map[string]any{
		"AlarmName":    "Shop-orders-Composite",
		"AlarmActions": assertions.Match_AnyValue(),
		"OKActions":    assertions.Match_AnyValue(),
	})
	// The new topic is encrypted with a rotating key CloudWatch may use, and enforces TLS.
	tmpl.HasResourceProperties(jsii.String("AWS::SNS::Topic"), map[string]any{"KmsMasterKeyId": assertions.Match_AnyValue()})
	tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
		"EnableKeyRotation": true,
		"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{
			"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
			})}),
		}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), map[string]any{
		"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
			"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			})}),
		}),
	})
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Dashboard"), map[string]any{"DashboardName": "Shop-orders"})
	// Alarms are referenced by name-built ARNs: no Fn::GetAtt, so the dashboard
	// neither waits for nor needs the alarm resources.
	for _, d := range cdktest.Resources(t, tmpl, "AWS::CloudWatch::Dashboard") {
		if body := fmt.Sprint(d["Properties"]); strings.Contains(body, "Fn::GetAtt") || !strings.Contains(body, ":alarm:Shop-orders-ErrorRate") {
			t.Fatalf("dashboard must reference alarms by name-built ARN, not Fn::GetAtt: %s", body)
		}
	}
}

func TestDiscoveryTargetAddedLaterJoinsComposite(t *testing.T) {
	stack, fn := newStack()
	mon := monitoring.New(stack, jsii.String("Monitoring"), &monitoring.Props{ServiceName: jsii.String("orders"), Function: fn})
	mon.AddDiscoveryTarget("payments")
	mon.AddDiscoveryTarget("payments") // idempotent
	tmpl := assertions.Template_FromStack(stack, nil)
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(7)) // 3 function + 2 runtime + 2 discovery
	composites := cdktest.Resources(t, tmpl, "AWS::CloudWatch::CompositeAlarm")
	if len(composites) != 1 {
		t.Fatalf("want one composite alarm, got %d", len(composites))
	}
	var rule string
	for _, c := range composites {
		rule = fmt.Sprint(c["Properties"].(map[string]any)["AlarmRule"])
	}
	for name := range mon.Alarms {
		logicalID := *stack.GetLogicalId(mon.Alarms[name].Node().DefaultChild().(awscdk.CfnElement))
		if !strings.Contains(rule, logicalID) {
			t.Errorf("composite rule does not include alarm %s (%s): %s", name, logicalID, rule)
		}
	}
}

func TestOverridesAndExistingTopic(t *testing.T) {
	stack, fn := newStack()
	topic := awssns.NewTopic(stack, jsii.String("Ops"), nil)
	mon := monitoring.New(stack, jsii.String("Monitoring"), &monitoring.Props{
		ServiceName: jsii.String("orders"),
		Function:    fn,
		Topic:       topic,
		Alarms: &map[string]*monitoring.AlarmOverride{
			monitoring.AlarmThrottles:     {Disabled: jsii.Bool(true)},
			monitoring.AlarmErrorRate:     {Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(5), DatapointsToAlarm: jsii.Number(4)},
			monitoring.AlarmColdStartRate: {Disabled: jsii.Bool(true)},
		},
		NotifyEachAlarm: jsii.Bool(true),
	})
	tmpl := assertions.Template_FromStack(stack, nil)
	if _, ok := mon.Alarms[monitoring.AlarmThrottles]; ok {
		t.Fatal("a disabled alarm was created")
	}
	if mon.TopicKey != nil {
		t.Fatal("a key was created for an existing topic")
	}
	tmpl.ResourceCountIs(jsii.String("AWS::KMS::Key"), jsii.Number(0))
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(3)) // error rate, duration, health
	tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "Shop-orders-ErrorRate", "Threshold": 1, "EvaluationPeriods": 5, "DatapointsToAlarm": 4,
		"AlarmDescription": "Function errors are at least 1% of invocations. Check the function's logs for errorType.",
		"AlarmActions":     []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Ops"))}},
	})
}

func TestBadProps(t *testing.T) {
	override := func(key string, o monitoring.AlarmOverride) func(awscdk.Stack, awslambda.Function) *monitoring.Props {
		return func(_ awscdk.Stack, fn awslambda.Function) *monitoring.Props {
			return &monitoring.Props{ServiceName: jsii.String("orders"), Function: fn, Alarms: &map[string]*monitoring.AlarmOverride{key: &o}}
		}
	}
	cases := []struct {
		name             string
		props            func(awscdk.Stack, awslambda.Function) *monitoring.Props
		prop, value, fix string
	}{
		{"missing service", func(_ awscdk.Stack, fn awslambda.Function) *monitoring.Props {
			return &monitoring.Props{Function: fn}
		}, "ServiceName", "unset", "letters"},
		{"bad service", func(_ awscdk.Stack, fn awslambda.Function) *monitoring.Props {
			return &monitoring.Props{ServiceName: jsii.String("my service"), Function: fn}
		}, "ServiceName", `"my service"`, contract.ServiceNameRule},
		{"missing function", func(awscdk.Stack, awslambda.Function) *monitoring.Props {
			return &monitoring.Props{ServiceName: jsii.String("orders")}
		}, "Function", "unset", "Lambda function"},
		{"unknown alarm", override("Errors", monitoring.AlarmOverride{}), "Alarms", `"Errors"`, monitoring.AlarmErrorRate},
		{"datapoints above periods", override(monitoring.AlarmThrottles, monitoring.AlarmOverride{EvaluationPeriods: jsii.Number(1), DatapointsToAlarm: jsii.Number(2)}),
			"Alarms[Throttles].DatapointsToAlarm", "2", "at most EvaluationPeriods (1)"},
		{"negative threshold", override(monitoring.AlarmThrottles, monitoring.AlarmOverride{Threshold: jsii.Number(-1)}),
			"Alarms[Throttles].Threshold", "-1", "0 or more, in count"},
		{"rate above 100 percent", override(monitoring.AlarmErrorRate, monitoring.AlarmOverride{Threshold: jsii.Number(150)}),
			"Alarms[ErrorRate].Threshold", "150", "percentage: use 0 to 100"},
		{"alarm the service does not have", override(monitoring.AlarmConcurrency, monitoring.AlarmOverride{Threshold: jsii.Number(80)}),
			"Alarms", `"Concurrency"`, "no Concurrency alarm: it is made when Props.ReservedConcurrency is set"},
		{"empty elasticache", func(_ awscdk.Stack, fn awslambda.Function) *monitoring.Props {
			return &monitoring.Props{ServiceName: jsii.String("orders"), Function: fn, ElastiCache: &monitoring.ElastiCacheProps{}}
		}, "ElastiCache", "without ServerlessCacheName or NodeIDs", "NodeIDs"},
		{"front door without metric names", func(_ awscdk.Stack, fn awslambda.Function) *monitoring.Props {
			return &monitoring.Props{ServiceName: jsii.String("orders"), Function: fn, HTTP: &monitoring.HTTPProps{Label: jsii.String("API")}}
		}, "HTTP.Namespace", "unset", "MonitoringProps()"},
		{"jobs without a queue", func(_ awscdk.Stack, fn awslambda.Function) *monitoring.Props {
			return &monitoring.Props{ServiceName: jsii.String("orders"), Function: fn, Jobs: &monitoring.JobsProps{Worker: fn}}
		}, "Jobs", "without Queue, DeadLetterQueue or Worker", "dead-letter queue"},
		{"jobs alarm without jobs", override(monitoring.AlarmJobsQueueAge, monitoring.AlarmOverride{Threshold: jsii.Number(600)}),
			"Alarms", `"JobsQueueAge"`, "no JobsQueueAge alarm: it is made when Props.Jobs is set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack, fn := newStack()
			problems := cdktest.SynthProblems(t, monitoring.ErrInvalidProps, func() { monitoring.New(stack, jsii.String("M"), tc.props(stack, fn)) })
			if !cdktest.HasProblem(problems, "Shop/M", tc.prop, tc.value, tc.fix) {
				t.Errorf("want Shop/M: %s is %s: ...%s..., got %+v", tc.prop, tc.value, tc.fix, problems)
			}
		})
	}
	t.Run("discovery override without a target fails the synth", func(t *testing.T) {
		stack, fn := newStack()
		monitoring.New(stack, jsii.String("M"), override(monitoring.AlarmBreakerOpen, monitoring.AlarmOverride{Threshold: jsii.Number(5)})(stack, fn))
		msgs := *stack.Node().FindChild(jsii.String("M")).Node().Validate()
		if len(msgs) != 1 || !strings.Contains(*msgs[0], "Shop/M: Alarms is \"BreakerOpen\": this service has no BreakerOpen alarm: set Props.DiscoveryTargets or call AddDiscoveryTarget") {
			t.Fatalf("validation = %v", derefAll(msgs))
		}
	})
	t.Run("discovery override with a target added later is used", func(t *testing.T) {
		stack, fn := newStack()
		mon := monitoring.New(stack, jsii.String("M"), override(monitoring.AlarmBreakerOpen, monitoring.AlarmOverride{Threshold: jsii.Number(5)})(stack, fn))
		mon.AddDiscoveryTarget("payments")
		if msgs := *stack.Node().FindChild(jsii.String("M")).Node().Validate(); len(msgs) != 0 {
			t.Fatalf("validation = %v", derefAll(msgs))
		}
		assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"AlarmName": "Shop-orders-BreakerOpen-payments", "Threshold": 5,
			"AlarmDescription": "Circuit breakers towards payments refuse at least 5 calls a period.",
		})
	})
}

func derefAll(ps []*string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}
