package prewarm

import (
	"fmt"
	"math"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// provisionedMarkerID names the empty child NewProvisioned adds under its
// alias, so the warmer knows the alias is provisioned, also for windows-only
// aliases that have no provisioned concurrency at deploy.
const provisionedMarkerID = "LiftProvisioned"

var aliasNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,128}$`)

type provisionedWindow struct {
	*Window
	min, max float64
}

type provisionedSettings struct {
	aliasName   string
	version     awslambda.IVersion
	min, max    float64
	utilization float64
	windows     []provisionedWindow
}

func (r provisionedSettings) scales() bool { return len(r.windows) > 0 || r.max > r.min }

func (r provisionedSettings) tracks() bool {
	if r.max > r.min {
		return true
	}
	for _, w := range r.windows {
		if w.max > w.min {
			return true
		}
	}
	return false
}

func wholeAtLeast(v, least float64) bool { return v >= least && v == math.Trunc(v) }

func resolveProvisioned(p *propcheck.Collector, props *ProvisionedProps) provisionedSettings {
	r := provisionedSettings{aliasName: DefaultAliasName, min: 1, utilization: DefaultUtilizationTarget}
	if props.Function == nil {
		p.Add("Function", props.Function, "pass the awslambda.Function (e.g. from gofunction.New) whose version gets provisioned concurrency")
		p.Check()
	}
	if props.AliasName != nil {
		r.aliasName = *props.AliasName
		if !aliasNamePattern.MatchString(r.aliasName) || regexp.MustCompile(`^[0-9]+$`).MatchString(r.aliasName) || r.aliasName == "$LATEST" {
			p.Add("AliasName", r.aliasName, "use letters, digits, '-' and '_', not only digits (e.g. \"live\")")
		}
	}
	r.version = props.Version
	if r.version == nil {
		r.version = props.Function.CurrentVersion()
	} else if v := r.version.Version(); v != nil && *v == "$LATEST" {
		p.Add("Version", "$LATEST", "provisioned concurrency needs a published version; leave Version nil to use Function.CurrentVersion()")
	}
	if props.MinCapacity != nil {
		r.min = *props.MinCapacity
	}
	hasWindows := props.Windows != nil && len(*props.Windows) > 0
	switch {
	case !wholeAtLeast(r.min, 0):
		p.Add("MinCapacity", r.min, "give a whole number of environments, 0 or more")
	case r.min == 0 && !hasWindows:
		p.Add("MinCapacity", propcheck.Literal("0 without Windows"), "that provisions nothing: set MinCapacity to 1 or more, or add Windows")
	}
	r.max = r.min
	if props.MaxCapacity != nil {
		r.max = *props.MaxCapacity
		if !wholeAtLeast(r.max, 1) {
			p.Add("MaxCapacity", r.max, "give a whole number of environments, 1 or more")
		} else if r.max < r.min {
			p.Add("MaxCapacity", r.max, "it is below MinCapacity %v: raise MaxCapacity or lower MinCapacity", r.min)
		}
	}
	if props.UtilizationTarget != nil {
		r.utilization = *props.UtilizationTarget
		if r.utilization <= 0 || r.utilization >= 1 {
			p.Add("UtilizationTarget", r.utilization, "give a fraction between 0 and 1, e.g. 0.7")
		}
	}
	reserved := reservedConcurrency(props.Function)
	checkReserved := func(name string, v float64) {
		if reserved != nil && v > *reserved {
			p.Add(name, v, "it is above the function's reserved concurrency %v, which provisioned concurrency cannot exceed: lower %s or raise ReservedConcurrentExecutions", *reserved, name)
		}
	}
	checkReserved("MaxCapacity", r.max)
	if hasWindows {
		for i, w := range *props.Windows {
			if w == nil {
				p.Add(fmt.Sprintf("Windows[%d]", i), propcheck.Literal("nil"), "give a *prewarm.Window or remove the entry")
				continue
			}
			pw := provisionedWindow{Window: w}
			if w.Start == nil || w.End == nil {
				p.Add(fmt.Sprintf("Windows[%d].Start/End", i), propcheck.Literal("unset"), "give both schedules (Schedule_Cron)")
			}
			if w.MinCapacity == nil {
				p.Add(fmt.Sprintf("Windows[%d].MinCapacity", i), propcheck.Literal("unset"), "give the provisioned environments during the window")
			} else {
				pw.min = *w.MinCapacity
			}
			pw.max = pw.min
			if w.MaxCapacity != nil {
				pw.max = *w.MaxCapacity
			}
			switch {
			case w.MinCapacity != nil && !wholeAtLeast(pw.min, 1):
				p.Add(fmt.Sprintf("Windows[%d].MinCapacity", i), pw.min, "give a whole number of environments, 1 or more")
			case !wholeAtLeast(pw.max, 1):
				p.Add(fmt.Sprintf("Windows[%d].MaxCapacity", i), pw.max, "give a whole number of environments, 1 or more")
			case pw.min > pw.max:
				p.Add(fmt.Sprintf("Windows[%d].MinCapacity", i), pw.min, "it is above the window's MaxCapacity %v: raise MaxCapacity or lower MinCapacity", pw.max)
			}
			checkReserved(fmt.Sprintf("Windows[%d].MaxCapacity", i), pw.max)
			r.windows = append(r.windows, pw)
		}
	}
	return r
}
