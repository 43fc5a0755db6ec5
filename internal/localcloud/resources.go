package localcloud

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// ReadBack is what the AWS APIs answer about the resources moto created
// that Lift configures: alarms, aliases, scalable targets, schedules, tables,
// dashboards, topics and log groups.
type ReadBack struct {
	Alarms          map[string]AlarmReadBack          // by alarm name, metric and composite
	Aliases         map[string]string                 // alias ARN -> the version it points to
	ScalableTargets map[string]ScalableTargetReadBack // by the target's Ref: "resource id|dimension|namespace"
	Schedules       map[string]ScheduleReadBack       // by schedule name
	Tables          map[string]TableReadBack          // by table name
	Dashboards      map[string]string                 // dashboard name -> body (JSON)
	Topics          map[string]TopicReadBack          // by topic ARN
	// InvokeConfigs are the functions' asynchronous invocation settings, by
	// function name, for the functions that have one.
	InvokeConfigs map[string]InvokeConfigReadBack
	LogGroups     map[string]int32 // log group name -> retention in days (0: never expires)
	// HTTPAPIs (by API id) and FunctionURLs (by the URL's physical id, the
	// function ARN with its alias) are the stack's front doors.
	HTTPAPIs     map[string]HTTPAPIReadBack
	FunctionURLs map[string]FunctionURLReadBack
}

// ScalableTargetReadBack is an Application Auto Scaling target as
// DescribeScalableTargets answers, with what DescribeScheduledActions and
// DescribeScalingPolicies answer for it.
type ScalableTargetReadBack struct {
	Namespace, ResourceID, Dimension string
	MinCapacity, MaxCapacity         int32
	ScheduledActions                 map[string]ScheduledActionReadBack // by action name
	Policies                         map[string]ScalingPolicyReadBack   // by policy name (the stack's policies only)
}

// ScheduledActionReadBack is a scheduled action: the capacities it sets, when.
type ScheduledActionReadBack struct {
	Schedule, Timezone       string
	MinCapacity, MaxCapacity int32
}

// ScalingPolicyReadBack is a scaling policy; a target-tracking policy's
// target value and metric (predefined, or a customized metric's namespace,
// name, statistic and dimensions).
type ScalingPolicyReadBack struct {
	ARN, Type        string
	TargetValue      float64
	PredefinedMetric string
	Namespace        string
	MetricName       string
	Statistic        string
	Dimensions       map[string]string
}

// TableReadBack is a DynamoDB table as DescribeTable and DescribeTimeToLive answer.
type TableReadBack struct {
	BillingMode, SSEStatus, TTLAttribute, TTLStatus string
	KeySchema                                       []string // "name HASH", ...
}

// AlarmReadBack is a CloudWatch alarm as DescribeAlarms answers.
type AlarmReadBack struct {
	ARN              string   `xml:"AlarmArn"`
	Actions          []string `xml:"AlarmActions>member"`
	Threshold        float64  `xml:"Threshold"`
	Comparison       string   `xml:"ComparisonOperator"`
	TreatMissingData string   `xml:"TreatMissingData"`
	MetricMath       []string `xml:"Metrics>member>Expression"` // the expressions of a metric-math alarm
	Rule             string   `xml:"AlarmRule"`                 // a composite alarm's rule
}

// ScheduleReadBack is an EventBridge Scheduler schedule as GetSchedule answers.
type ScheduleReadBack struct {
	Expression, Timezone, State string
	TargetARN, TargetInput      string // the target's input, resolved by the deploy
}

// InvokeConfigReadBack is a function's event invoke config as
// GetFunctionEventInvokeConfig answers.
type InvokeConfigReadBack struct {
	MaxEventAgeSeconds, MaxRetryAttempts int32
}

// TopicReadBack is an SNS topic as GetTopicAttributes answers.
type TopicReadBack struct {
	KMSKey string // KmsMasterKeyId
	Policy string // the topic's access policy (JSON)
}

func (r *runner) readResources(ctx context.Context) ([]string, error) {
	cfg := r.moto.AWSConfig()
	rb := ReadBack{Alarms: map[string]AlarmReadBack{}, Aliases: map[string]string{}, ScalableTargets: map[string]ScalableTargetReadBack{}, Schedules: map[string]ScheduleReadBack{}, Tables: map[string]TableReadBack{}, Dashboards: map[string]string{}, Topics: map[string]TopicReadBack{}, LogGroups: map[string]int32{}, InvokeConfigs: map[string]InvokeConfigReadBack{},
		HTTPAPIs: map[string]HTTPAPIReadBack{}, FunctionURLs: map[string]FunctionURLReadBack{}}
	r.rep.ReadBack = rb
	var lines []string
	var alarms, targets []string
	invokeConfigs := 0
	policies := map[string]bool{} // the stack's scaling policies, by ARN
	for _, res := range r.rep.Stack.Resources {
		switch res.Type {
		case "AWS::ApplicationAutoScaling::ScalableTarget":
			targets = append(targets, res.PhysicalID)
		case "AWS::ApplicationAutoScaling::ScalingPolicy":
			policies[res.PhysicalID] = true
		case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm":
			alarms = append(alarms, res.PhysicalID)
		case "AWS::Lambda::Alias":
			fn, alias, ok := splitAliasARN(res.PhysicalID)
			if !ok {
				return lines, fmt.Errorf("alias %s: physical id %q is not an alias ARN", res.LogicalID, res.PhysicalID)
			}
			out, err := lambda.NewFromConfig(cfg).GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String(alias)})
			if err != nil {
				return lines, fmt.Errorf("lambda GetAlias %s: %w", res.PhysicalID, err)
			}
			rb.Aliases[aws.ToString(out.AliasArn)] = aws.ToString(out.FunctionVersion)
			lines = append(lines, fmt.Sprintf("alias %s → version %s", aws.ToString(out.AliasArn), aws.ToString(out.FunctionVersion)))
		case "AWS::DynamoDB::Table":
			t, err := readTable(ctx, dynamodb.NewFromConfig(cfg), res.PhysicalID)
			if err != nil {
				return lines, err
			}
			rb.Tables[res.PhysicalID] = t
			lines = append(lines, fmt.Sprintf("table %s: %s, key %v, TTL %s on %q, SSE %s", res.PhysicalID, t.BillingMode, t.KeySchema, t.TTLStatus, t.TTLAttribute, t.SSEStatus))
		case "AWS::Scheduler::Schedule":
			out, err := scheduler.NewFromConfig(cfg).GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(res.PhysicalID)})
			if err != nil {
				return lines, fmt.Errorf("scheduler GetSchedule %s: %w", res.PhysicalID, err)
			}
			sc := ScheduleReadBack{Expression: aws.ToString(out.ScheduleExpression), Timezone: aws.ToString(out.ScheduleExpressionTimezone), State: string(out.State)}
			if out.Target != nil {
				sc.TargetARN, sc.TargetInput = aws.ToString(out.Target.Arn), aws.ToString(out.Target.Input)
			}
			rb.Schedules[res.PhysicalID] = sc
			lines = append(lines, fmt.Sprintf("schedule %s: %s %s, %s, invokes %s", res.PhysicalID, sc.Expression, sc.Timezone, sc.State, sc.TargetARN))
		case "AWS::CloudWatch::Dashboard":
			body, err := r.dashboard(ctx, res.PhysicalID)
			if err != nil {
				return lines, err
			}
			rb.Dashboards[res.PhysicalID] = body
			var d struct{ Widgets []json.RawMessage }
			_ = json.Unmarshal([]byte(body), &d) // a body that is not JSON shows as 0 widgets
			lines = append(lines, fmt.Sprintf("dashboard %s: %d widgets, %d alarm references", res.PhysicalID, len(d.Widgets), strings.Count(body, ":alarm:")))
		case "AWS::Lambda::EventInvokeConfig":
			invokeConfigs++
		case "AWS::ApiGatewayV2::Api":
			api, err := readHTTPAPI(ctx, apigatewayv2.NewFromConfig(cfg), res.PhysicalID)
			if err != nil {
				return lines, err
			}
			rb.HTTPAPIs[res.PhysicalID] = api
			lines = append(lines, api.String())
		case "AWS::Lambda::Url":
			u, err := readFunctionURL(ctx, lambda.NewFromConfig(cfg), res.PhysicalID)
			if err != nil {
				return lines, err
			}
			rb.FunctionURLs[res.PhysicalID] = u
			lines = append(lines, fmt.Sprintf("function URL %s: auth %s, %s", u.URL, u.AuthType, u.InvokeMode))
		case "AWS::SNS::Topic":
			out, err := sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(res.PhysicalID)})
			if err != nil {
				return lines, fmt.Errorf("sns GetTopicAttributes %s: %w", res.PhysicalID, err)
			}
			rb.Topics[res.PhysicalID] = TopicReadBack{KMSKey: out.Attributes["KmsMasterKeyId"], Policy: out.Attributes["Policy"]}
			lines = append(lines, fmt.Sprintf("topic %s: encrypted with %q", res.PhysicalID, out.Attributes["KmsMasterKeyId"]))
		case "AWS::Logs::LogGroup":
			out, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(res.PhysicalID)})
			if err != nil {
				return lines, fmt.Errorf("logs DescribeLogGroups %s: %w", res.PhysicalID, err)
			}
			for _, g := range out.LogGroups {
				if aws.ToString(g.LogGroupName) == res.PhysicalID {
					rb.LogGroups[res.PhysicalID] = aws.ToInt32(g.RetentionInDays)
					lines = append(lines, fmt.Sprintf("log group %s: retention %d days", res.PhysicalID, aws.ToInt32(g.RetentionInDays)))
				}
			}
			if _, ok := rb.LogGroups[res.PhysicalID]; !ok {
				return lines, fmt.Errorf("logs DescribeLogGroups: no log group %s", res.PhysicalID)
			}
		}
	}
	if len(targets) > 0 || len(policies) > 0 {
		tl, err := readScalableTargets(ctx, applicationautoscaling.NewFromConfig(cfg), targets, policies, rb.ScalableTargets)
		lines = append(lines, tl...)
		if err != nil {
			return lines, err
		}
	}
	if invokeConfigs > 0 {
		if err := readInvokeConfigs(ctx, lambda.NewFromConfig(cfg), r.rep.Stack, rb.InvokeConfigs); err != nil {
			return lines, err
		}
		for fn, c := range rb.InvokeConfigs {
			lines = append(lines, fmt.Sprintf("function %s: async invocations kept %d s, retried %d times", fn, c.MaxEventAgeSeconds, c.MaxRetryAttempts))
		}
	}
	if len(alarms) > 0 {
		if err := r.readAlarms(ctx, alarms, rb.Alarms); err != nil {
			return lines, err
		}
		composite := 0
		for _, a := range rb.Alarms {
			if a.Rule != "" {
				composite++
			}
		}
		lines = append(lines, fmt.Sprintf("%d alarms (%d composite)", len(rb.Alarms), composite))
	}
	return lines, nil
}

// readInvokeConfigs reads the event invoke config of each of the stack's
// functions that has one (an EventInvokeConfig names its function only by a
// Ref, so every function is asked).
func readInvokeConfigs(ctx context.Context, lc *lambda.Client, st Stack, into map[string]InvokeConfigReadBack) error {
	for _, res := range st.Resources {
		if res.Type != "AWS::Lambda::Function" {
			continue
		}
		out, err := lc.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(res.PhysicalID)})
		var missing *lambdatypes.ResourceNotFoundException
		if errors.As(err, &missing) {
			continue
		}
		if err != nil {
			return fmt.Errorf("lambda GetFunctionEventInvokeConfig %s: %w", res.PhysicalID, err)
		}
		into[res.PhysicalID] = InvokeConfigReadBack{MaxEventAgeSeconds: aws.ToInt32(out.MaximumEventAgeInSeconds), MaxRetryAttempts: aws.ToInt32(out.MaximumRetryAttempts)}
	}
	if len(into) == 0 {
		return errors.New("lambda GetFunctionEventInvokeConfig: the stack has an EventInvokeConfig, but none of its functions has one")
	}
	return nil
}

// splitAliasARN splits arn:aws:lambda:REGION:ACCOUNT:function:NAME:ALIAS.
func splitAliasARN(arn string) (fn, alias string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 8 || parts[5] != "function" {
		return "", "", false
	}
	return parts[6], parts[7], true
}

// readScalableTargets reads the targets named by their Refs
// ("resource id|dimension|namespace"), each with its scheduled actions and
// those of its policies that are the stack's; every one of the stack's
// policies must be found on one of its targets.
func readScalableTargets(ctx context.Context, aas *applicationautoscaling.Client, refs []string, policies map[string]bool, into map[string]ScalableTargetReadBack) ([]string, error) {
	var lines []string
	found := 0
	for _, ref := range refs {
		parts := strings.Split(ref, "|")
		if len(parts) != 3 {
			return lines, fmt.Errorf("scalable target %q: physical id is not resource id|dimension|namespace", ref)
		}
		rid, dim, ns := parts[0], parts[1], aastypes.ServiceNamespace(parts[2])
		st := ScalableTargetReadBack{Namespace: string(ns), ResourceID: rid, Dimension: dim,
			ScheduledActions: map[string]ScheduledActionReadBack{}, Policies: map[string]ScalingPolicyReadBack{}}
		out, err := aas.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{
			ServiceNamespace: ns, ResourceIds: []string{rid}, ScalableDimension: aastypes.ScalableDimension(dim)})
		if err != nil {
			return lines, fmt.Errorf("application-autoscaling DescribeScalableTargets %s: %w", ref, err)
		}
		if len(out.ScalableTargets) != 1 {
			return lines, fmt.Errorf("application-autoscaling DescribeScalableTargets %s: %d targets, want 1", ref, len(out.ScalableTargets))
		}
		st.MinCapacity, st.MaxCapacity = aws.ToInt32(out.ScalableTargets[0].MinCapacity), aws.ToInt32(out.ScalableTargets[0].MaxCapacity)

		acts, err := aas.DescribeScheduledActions(ctx, &applicationautoscaling.DescribeScheduledActionsInput{
			ServiceNamespace: ns, ResourceId: aws.String(rid), ScalableDimension: aastypes.ScalableDimension(dim)})
		if err != nil {
			return lines, fmt.Errorf("application-autoscaling DescribeScheduledActions %s: %w", ref, err)
		}
		var actLines []string
		for _, a := range acts.ScheduledActions {
			sa := ScheduledActionReadBack{Schedule: aws.ToString(a.Schedule), Timezone: aws.ToString(a.Timezone)}
			if c := a.ScalableTargetAction; c != nil {
				sa.MinCapacity, sa.MaxCapacity = aws.ToInt32(c.MinCapacity), aws.ToInt32(c.MaxCapacity)
			}
			st.ScheduledActions[aws.ToString(a.ScheduledActionName)] = sa
			actLines = append(actLines, fmt.Sprintf("%s %s %s → %d–%d", aws.ToString(a.ScheduledActionName), sa.Schedule, sa.Timezone, sa.MinCapacity, sa.MaxCapacity))
		}

		pols, err := aas.DescribeScalingPolicies(ctx, &applicationautoscaling.DescribeScalingPoliciesInput{
			ServiceNamespace: ns, ResourceId: aws.String(rid), ScalableDimension: aastypes.ScalableDimension(dim)})
		if err != nil {
			return lines, fmt.Errorf("application-autoscaling DescribeScalingPolicies %s: %w", ref, err)
		}
		var polLines []string
		for _, p := range pols.ScalingPolicies {
			if !policies[aws.ToString(p.PolicyARN)] || aws.ToString(p.ResourceId) != rid {
				continue // another stack's, or another target's
			}
			found++
			sp := scalingPolicy(p)
			st.Policies[aws.ToString(p.PolicyName)] = sp
			metric := sp.PredefinedMetric
			if metric == "" {
				metric = sp.Statistic + " " + sp.Namespace + "/" + sp.MetricName
			}
			polLines = append(polLines, fmt.Sprintf("%s %s %g on %s", aws.ToString(p.PolicyName), sp.Type, sp.TargetValue, metric))
		}
		into[ref] = st
		lines = append(lines, fmt.Sprintf("scalable target %s %s: %d–%d; scheduled %v; policies %v", dim, rid, st.MinCapacity, st.MaxCapacity, actLines, polLines))
	}
	if found != len(policies) {
		return lines, fmt.Errorf("application-autoscaling DescribeScalingPolicies: found %d of the stack's %d scaling policies on its scalable targets", found, len(policies))
	}
	return lines, nil
}

func scalingPolicy(p aastypes.ScalingPolicy) ScalingPolicyReadBack {
	sp := ScalingPolicyReadBack{ARN: aws.ToString(p.PolicyARN), Type: string(p.PolicyType)}
	c := p.TargetTrackingScalingPolicyConfiguration
	if c == nil {
		return sp
	}
	sp.TargetValue = aws.ToFloat64(c.TargetValue)
	if m := c.PredefinedMetricSpecification; m != nil {
		sp.PredefinedMetric = string(m.PredefinedMetricType)
	}
	if m := c.CustomizedMetricSpecification; m != nil {
		sp.Namespace, sp.MetricName, sp.Statistic = aws.ToString(m.Namespace), aws.ToString(m.MetricName), string(m.Statistic)
		sp.Dimensions = map[string]string{}
		for _, d := range m.Dimensions {
			sp.Dimensions[aws.ToString(d.Name)] = aws.ToString(d.Value)
		}
	}
	return sp
}

// readAlarms reads the named alarms through CloudWatch's DescribeAlarms (in
// the query protocol: see localsvc.Moto.Query), 100 names a call.
func (r *runner) readAlarms(ctx context.Context, names []string, into map[string]AlarmReadBack) error {
	for len(names) > 0 {
		batch := names[:min(100, len(names))]
		names = names[len(batch):]
		params := url.Values{"Action": {"DescribeAlarms"}, "Version": {"2010-08-01"}, "AlarmTypes.member.1": {"MetricAlarm"}, "AlarmTypes.member.2": {"CompositeAlarm"}}
		for i, n := range batch {
			params.Set(fmt.Sprintf("AlarmNames.member.%d", i+1), n)
		}
		raw, err := r.moto.Query(ctx, "monitoring", params)
		if err != nil {
			return fmt.Errorf("cloudwatch DescribeAlarms: %w", err)
		}
		type alarm struct {
			Name string `xml:"AlarmName"`
			AlarmReadBack
		}
		var out struct {
			Metric    []alarm `xml:"DescribeAlarmsResult>MetricAlarms>member"`
			Composite []alarm `xml:"DescribeAlarmsResult>CompositeAlarms>member"`
		}
		if err := xml.Unmarshal(raw, &out); err != nil {
			return fmt.Errorf("cloudwatch DescribeAlarms answered %s: %w", raw, err)
		}
		for _, a := range append(out.Metric, out.Composite...) {
			into[a.Name] = a.AlarmReadBack
		}
		for _, n := range batch {
			if _, ok := into[n]; !ok {
				return fmt.Errorf("cloudwatch DescribeAlarms: no alarm %s", n)
			}
		}
	}
	return nil
}

func readTable(ctx context.Context, db *dynamodb.Client, name string) (TableReadBack, error) {
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return TableReadBack{}, fmt.Errorf("dynamodb DescribeTable %s: %w", name, err)
	}
	var t TableReadBack
	if s := out.Table.BillingModeSummary; s != nil {
		t.BillingMode = string(s.BillingMode)
	}
	if s := out.Table.SSEDescription; s != nil {
		t.SSEStatus = string(s.Status)
	}
	for _, k := range out.Table.KeySchema {
		t.KeySchema = append(t.KeySchema, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil {
		return t, fmt.Errorf("dynamodb DescribeTimeToLive %s: %w", name, err)
	}
	if d := ttl.TimeToLiveDescription; d != nil {
		t.TTLAttribute, t.TTLStatus = aws.ToString(d.AttributeName), string(d.TimeToLiveStatus)
	}
	return t, nil
}

// dashboard reads a dashboard's body through CloudWatch's GetDashboard (in
// the query protocol: see localsvc.Moto.Query).
func (r *runner) dashboard(ctx context.Context, name string) (string, error) {
	raw, err := r.moto.Query(ctx, "monitoring", url.Values{"Action": {"GetDashboard"}, "Version": {"2010-08-01"}, "DashboardName": {name}})
	if err != nil {
		return "", fmt.Errorf("cloudwatch GetDashboard %s: %w", name, err)
	}
	var out struct {
		Body string `xml:"GetDashboardResult>DashboardBody"`
	}
	if err := xml.Unmarshal(raw, &out); err != nil || out.Body == "" {
		return "", fmt.Errorf("cloudwatch GetDashboard %s answered %s (%v)", name, raw, err)
	}
	return out.Body, nil
}
