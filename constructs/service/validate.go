package service

import (
	"fmt"
	"regexp"

	"github.com/aws/jsii-runtime-go"
)

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// validate checks props and returns a copy with defaults filled in.
func validate(id string, props *Props) *Props {
	if props == nil {
		invalid("props", "nil", "pass &service.Props{Function: &gofunction.Props{Entry: jsii.String(\"./handler\")}}")
	}
	p := *props
	if p.ServiceName == nil {
		p.ServiceName = jsii.String(id)
	}
	if !namePattern.MatchString(*p.ServiceName) {
		invalid("ServiceName", fmt.Sprintf("%q", *p.ServiceName),
			"use 1-63 lowercase letters, digits or '-', starting with a letter or digit (it names the Cloud Map service, alarms and cache keys); the default is the construct id")
	}
	if p.Function == nil || p.Function.Entry == nil {
		invalid("Function.Entry", "unset", "set it to the directory of the handler's main package")
	}
	if p.Function.ServiceName != nil && *p.Function.ServiceName != *p.ServiceName {
		invalid("Function.ServiceName", fmt.Sprintf("%q", *p.Function.ServiceName), "leave it unset; set Props.ServiceName instead")
	}
	if p.HTTP != nil && p.HTTP.Target != nil {
		invalid("HTTP.Target", "set", "leave it unset: the service's front door serves its \"live\" alias")
	}
	tiers := 0
	for _, set := range []bool{p.DynamoDBCache != nil, p.ElastiCache != nil, p.Cache != nil} {
		if set {
			tiers++
		}
	}
	if tiers > 1 {
		invalid("DynamoDBCache/ElastiCache/Cache", fmt.Sprintf("%d set", tiers), "set at most one cache tier per service")
	}
	if pw := p.Prewarm; pw != nil {
		if pw.Provisioned != nil {
			if pw.Disabled != nil && *pw.Disabled {
				invalid("Prewarm.Provisioned", "set with Prewarm.Disabled", "remove one of them")
			}
			if pw.Concurrency != nil || pw.Warmer != nil {
				invalid("Prewarm.Concurrency/Warmer", "set with Prewarm.Provisioned", "use Provisioned.MinCapacity/MaxCapacity for provisioned concurrency, or drop Provisioned to use the warmer")
			}
			if pw.Provisioned.Function != nil || pw.Provisioned.Version != nil {
				invalid("Prewarm.Provisioned.Function/Version", "set", "leave them unset: the service provisions its own function's current version")
			}
		}
		if pw.Concurrency != nil && *pw.Concurrency < 1 {
			invalid("Prewarm.Concurrency", fmt.Sprint(*pw.Concurrency), "use 1 or more, or set Prewarm.Disabled")
		}
	}
	return &p
}

// invalid stops synthesis with a message naming the prop, its value and the fix.
func invalid(prop, value, fix string) {
	panic(fmt.Errorf("%w: %s is %s: %s", ErrInvalidProps, prop, value, fix))
}
