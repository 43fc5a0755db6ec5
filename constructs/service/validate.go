package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/prewarm"
	"github.com/liftcdk/lift/internal/contract"
)

// validate checks props and returns a copy with defaults filled in.
func validate(c *propcheck.Collector, scope constructs.Construct, id string, props *Props) *Props {
	if props == nil {
		c.Add("props", propcheck.Literal("nil"), "pass &service.Props{Function: &gofunction.Props{Entry: jsii.String(\"./handler\")}}")
		c.Check()
	}
	p := *props
	if p.ServiceName == nil {
		p.ServiceName = jsii.String(id)
		if contract.ValidServiceName(id) != nil {
			c.Add("ServiceName", propcheck.Literal("unset, and the construct id "+propcheck.Render(id)+" is not a valid service name"),
				"set ServiceName: %s (it names the Cloud Map service, alarms and cache keys)", contract.ServiceNameRule)
		}
	} else if contract.ValidServiceName(*p.ServiceName) != nil {
		c.Add("ServiceName", p.ServiceName, "use %s (it names the Cloud Map service, alarms and cache keys)", contract.ServiceNameRule)
	}
	if p.Function == nil || p.Function.Entry == nil {
		c.Add("Function.Entry", propcheck.Literal("unset"), "set it to the directory of the handler's main package")
	} else if p.Function.ServiceName != nil && *p.Function.ServiceName != *p.ServiceName {
		c.Add("Function.ServiceName", p.Function.ServiceName, "leave it unset; set Props.ServiceName instead")
	}
	if p.HTTP != nil && p.HTTP.Target != nil {
		c.Add("HTTP.Target", propcheck.Literal("set"), "leave it unset: the service's front door serves its \"live\" alias")
	}
	tiers := 0
	for _, set := range []bool{p.DynamoDBCache != nil, p.ElastiCache != nil, p.Cache != nil} {
		if set {
			tiers++
		}
	}
	if tiers > 1 {
		c.Add("DynamoDBCache/ElastiCache/Cache", propcheck.Literal(propcheck.Render(float64(tiers))+" set"), "set at most one cache tier per service")
	}
	if pw := p.Prewarm; pw != nil {
		checkPrewarm(c, scope, pw)
	}
	if p.Jobs != nil {
		checkJobs(c, &p)
	}
	if tr := p.Tracing; tr != nil {
		if tr.CollectorLayer == nil {
			c.Add("Tracing.CollectorLayer", propcheck.Literal("unset"),
				"set it to the ADOT collector layer of the stack's Region and architecture (awslambda.LayerVersion_FromLayerVersionArn), or drop Tracing")
		}
		if xray := tr.XRay == nil || *tr.XRay; xray && p.Function != nil && p.Function.Tracing != "" && p.Function.Tracing != awslambda.Tracing_ACTIVE {
			c.Add("Function.Tracing", propcheck.Literal(string(p.Function.Tracing)), "leave it unset (Tracing.XRay turns active tracing on), or set Tracing.XRay to false")
		}
	}
	return &p
}

func checkPrewarm(c *propcheck.Collector, scope constructs.Construct, pw *PrewarmProps) {
	if pw.Provisioned != nil {
		if pw.Disabled != nil && *pw.Disabled {
			c.Add("Prewarm.Provisioned", propcheck.Literal("set with Prewarm.Disabled"), "remove one of them")
		}
		if pw.Concurrency != nil || pw.Warmer != nil {
			c.Add("Prewarm.Concurrency/Warmer", propcheck.Literal("set with Prewarm.Provisioned"),
				"use Provisioned.MinCapacity/MaxCapacity for provisioned concurrency, or drop Provisioned to use the warmer")
		}
		if pw.Provisioned.Function != nil || pw.Provisioned.Version != nil {
			c.Add("Prewarm.Provisioned.Function/Version", propcheck.Literal("set"), "leave them unset: the service provisions its own function's current version")
		}
	}
	if pw.Concurrency != nil && *pw.Concurrency < 1 {
		c.Add("Prewarm.Concurrency", pw.Concurrency, "use 1 or more, or set Prewarm.Disabled")
	}
	if pw.Warmer != nil && awscdk.Stack_Of(scope).Node().TryFindChild(jsii.String(prewarm.WarmerID)) != nil {
		c.Add("Prewarm.Warmer", propcheck.Literal("set, but the stack's warmer already exists"), "configure the warmer on the first service of the stack only")
	}
}
