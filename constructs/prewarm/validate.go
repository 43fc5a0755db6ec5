package prewarm

import (
	"fmt"
	"math"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/internal/lambdaarn"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

type warmerSettings struct {
	schedules     []awsscheduler.ScheduleExpression
	holdMs        float64
	budgetSeconds float64
	parallelism   float64
	entry         string
	architecture  awslambda.Architecture
}

// ArchitectureContext is the CDK context key the warmer's default
// architecture follows ("arm64" or "x86_64"), as every Lift app's functions do.
const ArchitectureContext = gofunction.ArchitectureContext

func resolveWarmerProps(scope constructs.Construct, p *propcheck.Collector, props *WarmerProps) warmerSettings {
	s := warmerSettings{holdMs: DefaultHoldMs, budgetSeconds: DefaultBudget, parallelism: DefaultParallelism, architecture: props.Architecture}
	if s.architecture == nil {
		arch, err := gofunction.ArchitectureFromContext(scope)
		if err != nil {
			p.Add("Architecture", props.Architecture, "%v; or set WarmerProps.Architecture", err)
		}
		s.architecture = arch
	}
	if props.Schedules == nil {
		s.schedules = []awsscheduler.ScheduleExpression{awsscheduler.ScheduleExpression_Rate(awscdk.Duration_Minutes(jsii.Number(5)))}
	} else {
		s.schedules = *props.Schedules
		if len(s.schedules) == 0 {
			p.Add("Schedules", propcheck.Literal("empty"), "give at least one schedule, or leave it nil for every 5 minutes")
		}
		for i, e := range s.schedules {
			if e == nil {
				p.Add(fmt.Sprintf("Schedules[%d]", i), propcheck.Literal("nil"), "give an awsscheduler.ScheduleExpression")
			}
		}
	}
	if props.Hold != nil {
		ms := *props.Hold.ToMilliseconds(nil)
		maxMs := float64(contract.MaxWarmupHold.Milliseconds())
		if ms < 1 || ms > maxMs {
			p.Add("Hold", props.Hold, "give 1 ms to %v ms (the runtime's maximum warm-up hold); a few hundred ms is enough to overlap a wave", maxMs)
		}
		s.holdMs = ms
	}
	if props.Budget != nil {
		sec := *props.Budget.ToSeconds(nil)
		if sec < 1 || sec > maxBudget {
			p.Add("Budget", props.Budget, "give 1 s to %d s (the warmer's timeout is the budget plus a minute, within Lambda's 15)", maxBudget)
		}
		s.budgetSeconds = sec
		if sec*1000 < 2*s.holdMs {
			p.Add("Budget", props.Budget, "it is shorter than two holds (Hold %v ms): raise Budget or lower Hold", s.holdMs)
		}
	}
	if props.Parallelism != nil {
		n := *props.Parallelism
		if n < 1 || n > maxParallelism || n != math.Trunc(n) {
			p.Add("Parallelism", n, "give a whole number from 1 to %d", maxParallelism)
		}
		s.parallelism = n
	}
	if props.Entry != nil {
		s.entry = *props.Entry
	} else {
		dir, err := warmerEntry()
		if err != nil {
			p.Add("Entry", props.Entry, "%v", err)
		}
		s.entry = dir
	}
	return s
}

type resolvedTarget struct {
	function    awslambda.IFunction // nil when the target is not qualified
	name        string
	arn         string
	concurrency float64
	provisioned bool
}

// resolveTarget checks one AddTarget call and panics with every problem.
func resolveTarget(w *Warmer, target awslambda.IFunction, opts *TargetOptions) resolvedTarget {
	p := propcheck.New(ErrInvalidProps, *w.Node().Path())
	t := resolvedTarget{concurrency: 1}
	if opts.Concurrency != nil {
		t.concurrency = *opts.Concurrency
	}
	if t.concurrency < 1 || t.concurrency != math.Trunc(t.concurrency) {
		p.Add("TargetOptions.Concurrency", t.concurrency, "give a whole number of environments, 1 or more")
	}
	if t.concurrency > w.parallelism {
		p.Add("TargetOptions.Concurrency", t.concurrency, "it is above the warmer's Parallelism %v: a target's invokes must run at once to overlap; raise WarmerProps.Parallelism or lower Concurrency", w.parallelism)
	}
	if target == nil {
		p.Add("AddTarget(target)", propcheck.Literal("nil"), "pass an alias (fn.AddAlias(\"live\")) or a version (fn.CurrentVersion())")
		p.Check()
	}
	var fn awslambda.IFunction
	switch v := target.(type) {
	case awslambda.IAlias:
		fn = v.Version().Lambda()
		t.provisioned = aliasHasProvisionedConcurrency(v)
	case awslambda.IVersion:
		fn = v.Lambda()
		if ver := v.Version(); ver != nil && *ver == "$LATEST" {
			p.Add("AddTarget(target)", propcheck.Literal(*target.Node().Path()+" ($LATEST)"), "warm an alias (fn.AddAlias(\"live\")) or a published version (fn.CurrentVersion())")
		}
	default:
		p.Add("AddTarget(target)", propcheck.Literal(*target.Node().Path()+" (an unqualified function)"), "the warmer invokes only qualified ARNs; pass an alias (fn.AddAlias(\"live\")) or a version (fn.CurrentVersion())")
	}
	t.name = deref(opts.Name)
	if t.name == "" {
		t.name = pathInStack(target)
	}
	if strings.ContainsAny(t.name, "$\n\r\t") || len(t.name) > 255 {
		p.Add("TargetOptions.Name", t.name, "use at most 255 characters without '$' or control characters (it is a metric dimension)")
	}
	if w.names[t.name] {
		p.Add("TargetOptions.Name", t.name, "it is already a target of this warmer: give each target its own TargetOptions.Name")
	}
	if fn != nil {
		if reserved := reservedConcurrency(fn); reserved != nil && t.concurrency > *reserved {
			p.Add("TargetOptions.Concurrency", t.concurrency, "it is above %s's reserved concurrency %v: the extra invokes would be throttled; lower Concurrency or raise ReservedConcurrentExecutions",
				*fn.Node().Path(), *reserved)
		}
	}
	p.Check()
	t.arn = *lambdaarn.Qualified(target)
	t.function = fn
	return t
}

// pathInStack is the construct path below the stack, e.g. "Api/Function/live".
func pathInStack(c constructs.IConstruct) string {
	path := *c.Node().Path()
	stackPath := *awscdk.Stack_Of(c).Node().Path()
	return strings.TrimPrefix(strings.TrimPrefix(path, stackPath), "/")
}

// reservedConcurrency reads ReservedConcurrentExecutions of a function defined
// in this app; nil when unset or the function is imported.
func reservedConcurrency(fn awslambda.IFunction) *float64 {
	cfn, ok := fn.Node().DefaultChild().(awslambda.CfnFunction)
	if !ok || cfn == nil {
		return nil
	}
	return cfn.ReservedConcurrentExecutions()
}

func aliasHasProvisionedConcurrency(a awslambda.IAlias) bool {
	if a.Node().TryFindChild(jsii.String(provisionedMarkerID)) != nil {
		return true
	}
	cfn, ok := a.Node().DefaultChild().(awslambda.CfnAlias)
	return ok && cfn != nil && cfn.ProvisionedConcurrencyConfig() != nil
}
