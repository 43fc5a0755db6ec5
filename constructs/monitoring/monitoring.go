package monitoring

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidProps is wrapped by the error New panics with when props are wrong.
var ErrInvalidProps = errors.New("invalid monitoring.Props")

// Monitoring is what New created. Every resource is exposed.
type Monitoring struct {
	// Construct is the scope holding every resource below.
	Construct constructs.Construct
	// Alarms by name suffix: the alarm key, then "-<target or node>" where the
	// alarm is made once per discovery target or cache node.
	Alarms map[string]awscloudwatch.Alarm
	// Composite is in ALARM when any alarm is; it carries the actions.
	// Nil when every alarm is disabled.
	Composite awscloudwatch.CompositeAlarm
	Dashboard awscloudwatch.Dashboard
	// Topic receives the notifications; TopicKey is set when New created the topic.
	Topic    awssns.ITopic
	TopicKey awskms.Key

	props   *Props
	metrics metricSource
	prefix  string
	actions []awscloudwatch.IAlarmAction
	order   []string                        // alarm names in creation order: the composite rule's order
	refs    map[string]awscloudwatch.IAlarm // name-based references for the dashboard
	made    map[string]bool                 // every alarm name considered, disabled ones too: for idempotent Add* calls and unusedOverrides
}

// compositeSuffix ends the composite alarm's name.
const compositeSuffix = "Composite"

// New creates the alarms, composite alarm, notification topic and dashboard of
// one service. Invalid props panic at synth, before any resource is defined,
// with an error wrapping ErrInvalidProps that lists every problem with the
// construct path, the prop, the value and the fix. An override of a discovery
// alarm that no discovery target ever uses fails at synth.
func New(scope constructs.Construct, id *string, props *Props) *Monitoring {
	c := propcheck.For(ErrInvalidProps, scope, id)
	p := validate(c, props)
	c.Check()
	root := constructs.NewConstruct(scope, id)
	stack := awscdk.Stack_Of(root)
	m := metricSource{service: *p.ServiceName, period: p.Period}

	specs := append(functionSpecs(p, m), runtimeSpecs(p, m)...)
	if p.Table != nil {
		specs = append(specs, tableSpecs(p.Table, m)...)
	}
	if p.ElastiCache != nil {
		specs = append(specs, elastiCacheSpecs(p.ElastiCache, m)...)
	}
	if p.HTTP != nil {
		specs = append(specs, httpSpecs(p, m)...)
	}
	if p.Jobs != nil {
		specs = append(specs, jobsSpecs(p.Jobs, m)...)
	}
	checkOverridesUsed(c, p, specs)
	c.Check()

	out := &Monitoring{Construct: root, Alarms: map[string]awscloudwatch.Alarm{}, refs: map[string]awscloudwatch.IAlarm{}, made: map[string]bool{}, props: p, metrics: m,
		prefix: fmt.Sprintf("%s-%s-", *stack.StackName(), *p.ServiceName)}
	out.Topic, out.TopicKey = topic(root, p)
	out.actions = []awscloudwatch.IAlarmAction{awscloudwatchactions.NewSnsAction(out.Topic)}
	if p.ExtraActions != nil {
		out.actions = append(out.actions, *p.ExtraActions...)
	}
	out.add(specs)
	if len(out.Alarms) > 0 {
		// The rule is rendered at synth time, so alarms added later (AddDiscoveryTarget) are in it.
		out.Composite = awscloudwatch.NewCompositeAlarm(root, jsii.String("Composite"), &awscloudwatch.CompositeAlarmProps{
			CompositeAlarmName: jsii.String(out.prefix + compositeSuffix),
			AlarmDescription:   jsii.String("Service " + *p.ServiceName + " is unhealthy: at least one of its alarms is in ALARM. The dashboard shows which."),
			AlarmRule:          awscloudwatch.AlarmRule_FromString(awscdk.Lazy_String(&compositeRule{out}, nil)),
		})
		for _, a := range out.actions {
			out.Composite.AddAlarmAction(a)
			out.Composite.AddOkAction(a)
		}
	}
	out.Dashboard = dashboard(root, p, *stack.StackName(), out)
	if p.Alarms != nil {
		root.Node().AddValidation(&unusedOverrides{out})
	}
	return out
}

// AddDiscoveryTarget adds the error-rate and open-breaker alarms for calls to
// one more Cloud Map service, joins them to the composite alarm and shows them
// on the dashboard. Adding a target twice is a no-op.
func (mon *Monitoring) AddDiscoveryTarget(target string) {
	if mon.made[AlarmBreakerOpen+"-"+target] {
		return
	}
	mon.addLater(discoverySpecs(mon.metrics, target))
}

// add creates the alarms of specs that are not disabled and returns their names.
func (mon *Monitoring) add(specs []spec) []string {
	var added []string
	for _, s := range specs {
		name := s.key
		if s.suffix != "" {
			name += "-" + s.suffix
		}
		mon.made[name] = true
		o := override(mon.props, s.key)
		if o.Disabled != nil && *o.Disabled {
			continue
		}
		alarm := newAlarm(mon.Construct, mon.prefix+name, name, s, o)
		if *mon.props.NotifyEachAlarm {
			for _, a := range mon.actions {
				alarm.AddAlarmAction(a)
				alarm.AddOkAction(a)
			}
		}
		mon.Alarms[name] = alarm
		mon.order = append(mon.order, name)
		added = append(added, name)
	}
	return added
}

// compositeRule renders "any alarm of the service" when the stack is synthesized.
type compositeRule struct{ mon *Monitoring }

func (r *compositeRule) Produce() *string {
	rules := make([]awscloudwatch.IAlarmRule, 0, len(r.mon.order))
	for _, name := range r.mon.order {
		rules = append(rules, r.mon.Alarms[name])
	}
	return awscloudwatch.AlarmRule_AnyOf(rules...).RenderAlarmRule()
}

func newAlarm(scope constructs.Construct, fullName, id string, s spec, o *AlarmOverride) awscloudwatch.Alarm {
	threshold, periods, datapoints := s.threshold, s.periods, s.datapoints
	if o.Threshold != nil {
		threshold = *o.Threshold
	}
	if o.EvaluationPeriods != nil {
		periods = *o.EvaluationPeriods
		datapoints = min(datapoints, periods)
	}
	if o.DatapointsToAlarm != nil {
		datapoints = *o.DatapointsToAlarm
	}
	periods = max(periods, datapoints) // DatapointsToAlarm alone above the default periods widens the window
	comparison := awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD
	if s.below {
		comparison = awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD
	}
	return awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String(fullName),
		AlarmDescription:   jsii.String(fmt.Sprintf(s.description, thresholdText(threshold, alarmUnits[s.key]))),
		Metric:             s.metric,
		Threshold:          jsii.Number(threshold),
		ComparisonOperator: comparison,
		EvaluationPeriods:  jsii.Number(periods),
		DatapointsToAlarm:  jsii.Number(datapoints),
		// No data means no traffic (or no runtime metric yet), which is not an incident.
		TreatMissingData: awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
}

// thresholdText renders a threshold with its unit for a description.
func thresholdText(v float64, u unit) string {
	switch u {
	case percent:
		return number(v) + "%"
	case seconds:
		return number(v) + " s"
	}
	return number(v)
}

// topic returns the existing topic or a new one under a customer-managed key
// that CloudWatch may use: alarms cannot publish to a topic encrypted with the
// AWS-managed SNS key.
func topic(scope constructs.Construct, p *Props) (awssns.ITopic, awskms.Key) {
	if p.Topic != nil {
		return p.Topic, nil
	}
	key := awskms.NewKey(scope, jsii.String("TopicKey"), &awskms.KeyProps{
		Description:       jsii.String("Encrypts the alarm topic of service " + *p.ServiceName),
		EnableKeyRotation: jsii.Bool(true),
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarmsToPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"), // in a key policy "*" means this key
	}), nil)
	t := awssns.NewTopic(scope, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String("Lift alarms: " + *p.ServiceName),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	return t, key
}

func override(p *Props, key string) *AlarmOverride {
	if p.Alarms != nil {
		if o := (*p.Alarms)[key]; o != nil {
			return o
		}
	}
	return &AlarmOverride{}
}

// validate checks props and returns a copy with defaults filled in; the
// caller's props are never changed.
func validate(c *propcheck.Collector, props *Props) *Props {
	if props == nil {
		c.Add("props", props, "pass &monitoring.Props{ServiceName: ..., Function: ...}")
		c.Check()
	}
	p := *props
	if p.ServiceName == nil {
		c.Add("ServiceName", p.ServiceName, "set it to the function's LIFT_SERVICE: %s", contract.ServiceNameRule)
	} else if err := contract.ValidServiceName(*p.ServiceName); err != nil {
		c.Add("ServiceName", p.ServiceName, "use %s (the function's LIFT_SERVICE)", contract.ServiceNameRule)
	}
	if p.Function == nil {
		c.Add("Function", p.Function, "pass the service's Lambda function")
	}
	validateHTTP(c, p.HTTP)
	if j := p.Jobs; j != nil && (j.Queue == nil || j.DeadLetterQueue == nil || j.Worker == nil) {
		c.Add("Jobs", propcheck.Literal("without Queue, DeadLetterQueue or Worker"), "set all three: the job queue, its dead-letter queue and the worker function")
	}
	if p.Period == nil {
		p.Period = defaultPeriod()
	}
	if p.NotifyEachAlarm == nil {
		p.NotifyEachAlarm = jsii.Bool(false)
	}
	if e := p.ElastiCache; e != nil && e.ServerlessCacheName == nil && (e.NodeIDs == nil || len(*e.NodeIDs) == 0) {
		c.Add("ElastiCache", propcheck.Literal("without ServerlessCacheName or NodeIDs"), "set ServerlessCacheName for a serverless cache or NodeIDs for a replication group")
	}
	if p.Alarms != nil {
		for _, key := range slices.Sorted(maps.Keys(*p.Alarms)) {
			checkOverride(c, key, (*p.Alarms)[key])
		}
	}
	return &p
}

// checkOverride refuses an override no alarm could use: an unknown key, a
// threshold outside its unit's range, periods that do not fit.
func checkOverride(c *propcheck.Collector, key string, o *AlarmOverride) {
	u, known := alarmUnits[key]
	if !known {
		c.Add("Alarms", key, "use one of %s", strings.Join(slices.Sorted(maps.Keys(alarmUnits)), ", "))
		return
	}
	if o == nil {
		return
	}
	prop := "Alarms[" + key + "]."
	if t := o.Threshold; t != nil {
		switch {
		case math.IsNaN(*t) || math.IsInf(*t, 0) || *t < 0:
			c.Add(prop+"Threshold", t, "use a finite number, 0 or more, in %s (see monitoring.AlarmOverride)", u)
		case u == percent && *t > 100:
			c.Add(prop+"Threshold", t, "%s's threshold is a percentage: use 0 to 100 (e.g. 5 for 5%%), not a fraction or a count", key)
		}
	}
	if o.EvaluationPeriods != nil && (*o.EvaluationPeriods < 1 || *o.EvaluationPeriods != math.Trunc(*o.EvaluationPeriods)) {
		c.Add(prop+"EvaluationPeriods", o.EvaluationPeriods, "use a whole number, 1 or more")
	}
	if o.DatapointsToAlarm != nil && (*o.DatapointsToAlarm < 1 || *o.DatapointsToAlarm != math.Trunc(*o.DatapointsToAlarm)) {
		c.Add(prop+"DatapointsToAlarm", o.DatapointsToAlarm, "use a whole number, 1 or more")
	}
	if o.EvaluationPeriods != nil && o.DatapointsToAlarm != nil && *o.DatapointsToAlarm > *o.EvaluationPeriods {
		c.Add(prop+"DatapointsToAlarm", o.DatapointsToAlarm, "use at most EvaluationPeriods (%g)", *o.EvaluationPeriods)
	}
}

// checkOverridesUsed refuses an override of an alarm the service does not
// have (its input is not set). laterAlarms can still come with a method
// call, so theirs are checked at synth (unusedOverrides).
func checkOverridesUsed(c *propcheck.Collector, p *Props, specs []spec) {
	if p.Alarms == nil {
		return
	}
	made := map[string]bool{}
	for _, s := range specs {
		made[s.key] = true
	}
	for _, key := range slices.Sorted(maps.Keys(*p.Alarms)) {
		if _, later := laterAlarms[key]; later {
			continue
		}
		if _, known := alarmUnits[key]; !known || made[key] {
			continue
		}
		c.Add("Alarms", key, "this service has no %s alarm: it is made when Props.%s is set; set that, or remove the override", key, alarmInputs[key])
	}
}

// unusedOverrides fails the synth when one of laterAlarms is overridden but
// the method that makes it was never called.
type unusedOverrides struct{ mon *Monitoring }

func (u *unusedOverrides) Validate() *[]*string {
	var out []string
	for _, key := range slices.Sorted(maps.Keys(laterAlarms)) {
		if _, overridden := (*u.mon.props.Alarms)[key]; !overridden {
			continue
		}
		used := false
		for name := range u.mon.made {
			used = used || name == key || strings.HasPrefix(name, key+"-")
		}
		if !used {
			out = append(out, propcheck.Problem{Path: *u.mon.Construct.Node().Path(), Prop: "Alarms", Value: propcheck.Render(key),
				Fix: "this service has no " + key + " alarm: " + laterAlarms[key] + ", or remove the override"}.String())
		}
	}
	return jsii.Strings(out...)
}
