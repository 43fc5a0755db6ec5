package prewarm

import (
	"math"
	"regexp"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

var (
	provisionedMu sync.Mutex
	// provisionedAliases remembers aliases made by NewProvisioned, including
	// windows-only ones whose alias has no provisioned concurrency at deploy.
	provisionedAliases = map[awslambda.IAlias]bool{}
)

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

func resolveProvisioned(what string, props *ProvisionedProps) provisionedSettings {
	p := &problems{what: what}
	r := provisionedSettings{aliasName: DefaultAliasName, min: 1, utilization: DefaultUtilizationTarget}
	if props.Function == nil {
		p.add("Function is required: pass the awslambda.Function (e.g. from gofunction.New) whose version gets provisioned concurrency")
		p.check()
	}
	if props.AliasName != nil {
		r.aliasName = *props.AliasName
		if !aliasNamePattern.MatchString(r.aliasName) || regexp.MustCompile(`^[0-9]+$`).MatchString(r.aliasName) || r.aliasName == "$LATEST" {
			p.add("AliasName %q is not a valid alias name: use letters, digits, '-' and '_', not only digits (e.g. \"live\")", r.aliasName)
		}
	}
	r.version = props.Version
	if r.version == nil {
		r.version = props.Function.CurrentVersion()
	} else if v := r.version.Version(); v != nil && *v == "$LATEST" {
		p.add("Version is $LATEST: provisioned concurrency needs a published version; leave Version nil to use Function.CurrentVersion()")
	}
	if props.MinCapacity != nil {
		r.min = *props.MinCapacity
	}
	hasWindows := props.Windows != nil && len(*props.Windows) > 0
	switch {
	case !wholeAtLeast(r.min, 0):
		p.add("MinCapacity %v: give a whole number of environments, 0 or more", r.min)
	case r.min == 0 && !hasWindows:
		p.add("MinCapacity 0 without Windows provisions nothing: set MinCapacity to 1 or more, or add Windows")
	}
	r.max = r.min
	if props.MaxCapacity != nil {
		r.max = *props.MaxCapacity
		if !wholeAtLeast(r.max, 1) {
			p.add("MaxCapacity %v: give a whole number of environments, 1 or more", r.max)
		} else if r.max < r.min {
			p.add("MaxCapacity %v is below MinCapacity %v: raise MaxCapacity or lower MinCapacity", r.max, r.min)
		}
	}
	if props.UtilizationTarget != nil {
		r.utilization = *props.UtilizationTarget
		if r.utilization <= 0 || r.utilization >= 1 {
			p.add("UtilizationTarget %v is out of range: give a fraction between 0 and 1, e.g. 0.7", r.utilization)
		}
	}
	reserved := reservedConcurrency(props.Function)
	checkReserved := func(name string, v float64) {
		if reserved != nil && v > *reserved {
			p.add("%s %v is above the function's reserved concurrency %v: provisioned concurrency cannot exceed it; lower %s or raise ReservedConcurrentExecutions", name, v, *reserved, name)
		}
	}
	checkReserved("MaxCapacity", r.max)
	if hasWindows {
		for i, w := range *props.Windows {
			if w == nil {
				p.add("Windows[%d] is nil", i)
				continue
			}
			pw := provisionedWindow{Window: w}
			if w.Start == nil || w.End == nil {
				p.add("Windows[%d]: Start and End are required: give both schedules (Schedule_Cron)", i)
			}
			if w.MinCapacity == nil {
				p.add("Windows[%d].MinCapacity is required: the provisioned environments during the window", i)
			} else {
				pw.min = *w.MinCapacity
			}
			pw.max = pw.min
			if w.MaxCapacity != nil {
				pw.max = *w.MaxCapacity
			}
			switch {
			case w.MinCapacity != nil && !wholeAtLeast(pw.min, 1):
				p.add("Windows[%d].MinCapacity %v: give a whole number of environments, 1 or more", i, pw.min)
			case !wholeAtLeast(pw.max, 1):
				p.add("Windows[%d].MaxCapacity %v: give a whole number of environments, 1 or more", i, pw.max)
			case pw.min > pw.max:
				p.add("Windows[%d]: scheduled MinCapacity %v is above MaxCapacity %v: raise MaxCapacity or lower MinCapacity", i, pw.min, pw.max)
			}
			checkReserved("Windows["+itoa(i)+"].MaxCapacity", pw.max)
			r.windows = append(r.windows, pw)
		}
	}
	p.check()
	return r
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
