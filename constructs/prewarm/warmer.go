package prewarm

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/internal/controltoken"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// WarmerID is the construct id of the stack's warmer, directly under the stack.
const WarmerID = "LiftWarmer"

// Defaults of WarmerProps.
const (
	DefaultHoldMs      = 300
	DefaultBudget      = 60 // seconds
	DefaultParallelism = 100
	maxParallelism     = 1000
	maxBudget          = 14 * 60 // seconds: the warmer's timeout adds a minute, Lambda's limit is 15
)

// WarmerProps configures the stack's warmer. Every field is optional.
type WarmerProps struct {
	// Schedules say when the warmer runs, each with its own time zone: a rate,
	// or cron windows such as every 5 minutes 08:00-19:59 on weekdays in
	// Europe/Paris. One EventBridge Scheduler schedule is made per entry.
	// Default: every 5 minutes, always
	// (awsscheduler.ScheduleExpression_Rate(awscdk.Duration_Minutes(5))).
	Schedules *[]awsscheduler.ScheduleExpression
	// Hold is how long each warm-up invocation stays busy so that the
	// invocations of one wave overlap; retries double it. At most
	// 5 s (the runtime's lift.MaxWarmupHold). Default: 300 ms.
	Hold awscdk.Duration
	// Budget bounds one warmer run, retries included; the warmer function's
	// timeout is the budget plus one minute. At most 14 minutes. Default: 60 s.
	Budget awscdk.Duration
	// Parallelism bounds the warmer's concurrent invokes across all targets;
	// no target's Concurrency may exceed it. 1 to 1000. Default: 100.
	Parallelism *float64
	// Architecture of the warmer function. Default: the CDK context
	// "lift:architecture" (arm64 or x86_64) when set, as Lift's examples read
	// it, else ARM_64.
	Architecture awslambda.Architecture
	// Entry is the warmer's source directory. Default: located with
	// `go list -f {{.Dir}} github.com/liftcdk/lift/cmd/lift-warmer` from where
	// `cdk synth` runs.
	Entry *string
}

// TargetOptions configures one warmed function.
type TargetOptions struct {
	// Concurrency is the number of distinct environments to keep warm. At
	// least 1, at most the function's reserved concurrency and the warmer's
	// Parallelism. Default: 1.
	Concurrency *float64
	// Name is the Target dimension of the warmer's metrics and the name in its
	// report. Default: the path of the alias or version construct within its
	// stack, e.g. "Api/Function/live".
	Name *string
	// EvenIfProvisioned warms an alias that has provisioned concurrency;
	// otherwise such a target is skipped with a warning (its provisioned
	// environments are already initialized). Default: false.
	EvenIfProvisioned *bool
}

// Warmer is the stack's warmer: its function, role statement and schedules.
type Warmer struct {
	constructs.Construct
	// Function is the warmer Lambda (cmd/lift-warmer).
	Function awslambda.Function
	// SchedulerRole is assumed by EventBridge Scheduler; it may invoke only Function.
	SchedulerRole awsiam.Role
	// Schedules are the EventBridge Scheduler schedules, one per WarmerProps.Schedules entry.
	Schedules []awsscheduler.CfnSchedule

	input       contract.WarmerInput
	arns        map[string]*string // Fn::Sub variables of the input, ARN tokens
	names       map[string]bool
	invoke      awsiam.PolicyStatement
	parallelism float64
}

// WarmerOf returns the warmer of scope's stack, creating it with default
// props (id WarmerID) if the stack has none yet.
func WarmerOf(scope constructs.Construct) *Warmer {
	stack := awscdk.Stack_Of(scope)
	if w := stackWarmer(stack); w != nil {
		return w
	}
	return NewWarmer(stack, jsii.String(WarmerID), nil)
}

// stackWarmer finds the stack's warmer in the construct tree: a direct child
// of the stack.
func stackWarmer(stack awscdk.Stack) *Warmer {
	for _, c := range *stack.Node().Children() {
		if w, ok := c.(*Warmer); ok {
			return w
		}
	}
	return nil
}

// NewWarmer creates the stack's one warmer, directly under scope's stack
// (where WarmerOf finds it). A second warmer in the same stack is an error:
// add targets to WarmerOf(stack) instead. Bad props panic, before anything is
// defined, with an error wrapping ErrInvalidProps that lists every problem.
func NewWarmer(scope constructs.Construct, id *string, props *WarmerProps) *Warmer {
	if props == nil {
		props = &WarmerProps{}
	}
	stack := awscdk.Stack_Of(scope)
	p := propcheck.For(ErrInvalidProps, stack, id)
	if existing := stackWarmer(stack); existing != nil {
		p.Add("NewWarmer", propcheck.Literal("a second warmer in stack "+*stack.Node().Path()+" (it has "+*existing.Node().Path()+")"),
			"a stack runs one warmer for all its targets; call prewarm.WarmerOf(stack).AddTarget instead")
	}
	s := resolveWarmerProps(scope, p, props)
	p.Check()

	w := &Warmer{names: map[string]bool{}, parallelism: s.parallelism}
	constructs.NewConstruct_Override(w, stack, id) // the tree holds the warmer: WarmerOf finds it there
	root := w.Construct
	w.Function = gofunction.New(root, jsii.String("Function"), &gofunction.Props{
		Entry:        jsii.String(s.entry),
		Architecture: s.architecture,
		ServiceName:  jsii.String("lift-warmer"),
		Description:  jsii.String("Lift warmer: keeps this stack's functions warm"),
		MemorySize:   jsii.Number(256),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(s.budgetSeconds + 60)),
	})
	// A warm-up that arrives late is worthless, and the next run comes anyway.
	w.Function.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(0),
		MaxEventAge:   awscdk.Duration_Minutes(jsii.Number(2)),
	})
	w.invoke = awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("InvokeWarmedTargets"),
		Actions: jsii.Strings("lambda:InvokeFunction"),
	})
	w.input = contract.WarmerInput{HoldMs: int(s.holdMs), BudgetMs: int(s.budgetSeconds * 1000), Parallelism: int(s.parallelism)}
	w.arns = map[string]*string{}
	w.SchedulerRole = newSchedulerRole(root, w.Function)
	for i, expr := range s.schedules {
		w.Schedules = append(w.Schedules, newSchedule(root, fmt.Sprintf("Schedule%d", i), expr, w.Function, w.SchedulerRole))
	}
	root.Node().AddValidation(&hasTargets{w})
	return w
}

// AddTarget keeps target warm: an alias (awslambda.IAlias) or a published
// version (awslambda.IVersion), never a bare function or $LATEST. It returns
// false when the target was skipped because it has provisioned concurrency.
func (w *Warmer) AddTarget(target awslambda.IFunction, opts *TargetOptions) bool {
	if opts == nil {
		opts = &TargetOptions{}
	}
	t := resolveTarget(w, target, opts)
	if t.provisioned && !deref(opts.EvenIfProvisioned) {
		awscdk.Annotations_Of(w.Construct).AddWarningV2(jsii.String("lift:prewarm:skipped-provisioned"), jsii.String(fmt.Sprintf(
			"target %s has provisioned concurrency and is not warmed; set TargetOptions.EvenIfProvisioned to warm it anyway", t.name)), nil)
		return false
	}
	w.names[t.name] = true
	variable := fmt.Sprintf("Target%dArn", len(w.input.Targets))
	w.arns[variable] = jsii.String(t.arn)
	w.input.Targets = append(w.input.Targets, contract.WarmerTarget{Name: t.name, ARN: "${" + variable + "}", Concurrency: int(t.concurrency),
		Token: authenticate(t.function)})
	w.invoke.AddResources(jsii.String(t.arn))
	if len(w.input.Targets) == 1 {
		w.Function.AddToRolePolicy(w.invoke)
	}
	w.updateInput()
	return true
}

// authenticate gives a function defined in this app its control token: the
// SHA-256 in its environment, the token (returned) in the warmer's input. An
// imported function's environment cannot be set; it is warmed without one.
func authenticate(fn awslambda.IFunction) string {
	f, ok := fn.(awslambda.Function)
	if !ok || f == nil {
		return ""
	}
	token, sum := controltoken.For(f)
	f.AddEnvironment(jsii.String(contract.EnvControlTokenSHA256), jsii.String(sum), nil)
	return token
}

// updateInput writes the current targets into every schedule's input: the
// contract.WarmerInput JSON, with each ARN an Fn::Sub variable resolved at
// deploy time. Target names cannot hold "$", so the JSON has no other
// ${...} for Fn::Sub to misread.
func (w *Warmer) updateInput() {
	body, err := json.Marshal(w.input)
	if err != nil {
		panic(fmt.Errorf("prewarm: render warmer input: %w", err)) // plain strings and ints: unreachable
	}
	input := awscdk.Fn_Sub(jsii.String(string(body)), &w.arns)
	for _, s := range w.Schedules {
		s.SetTarget(scheduleTarget(w.Function, w.SchedulerRole, *input))
	}
}

// MetricShortfall is the warmer's WarmerShortfall metric for one target (its
// TargetOptions.Name): environments asked minus warmed, per run. Alarm on its
// Maximum to learn that a target is not kept as warm as asked.
func (w *Warmer) MetricShortfall(targetName string, props *awscloudwatch.MetricOptions) awscloudwatch.Metric {
	return w.metric(contract.MetricWarmerShortfall, targetName, props)
}

// MetricWarmed is the warmer's WarmerWarmed metric for one target.
func (w *Warmer) MetricWarmed(targetName string, props *awscloudwatch.MetricOptions) awscloudwatch.Metric {
	return w.metric(contract.MetricWarmerWarmed, targetName, props)
}

func (w *Warmer) metric(name, target string, props *awscloudwatch.MetricOptions) awscloudwatch.Metric {
	o := awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum")}
	if props != nil {
		o = *props
	}
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(contract.MetricsNamespace),
		MetricName:    jsii.String(name),
		DimensionsMap: &map[string]*string{contract.DimTarget: jsii.String(target)},
		Statistic:     o.Statistic,
		Period:        o.Period,
		Label:         o.Label,
		Account:       o.Account,
		Region:        o.Region,
		Color:         o.Color,
		Unit:          o.Unit,
	})
}

// hasTargets fails the synth of a warmer with nothing to warm.
type hasTargets struct{ w *Warmer }

func (h *hasTargets) Validate() *[]*string {
	if len(h.w.input.Targets) > 0 {
		return &[]*string{}
	}
	return jsii.Strings(propcheck.Problem{Path: *h.w.Node().Path(), Prop: "AddTarget", Value: "never called",
		Fix: "the warmer has no targets: call AddTarget(alias, ...) or remove the warmer"}.String())
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
