package service

import (
	"errors"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/monitoring"
	"github.com/liftcdk/lift/constructs/prewarm"
	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidProps is wrapped by the error New and Connect panic with, also
// when a part (gofunction, cachetier, prewarm, cloudmap, monitoring) refuses
// its props: the error then wraps that package's ErrInvalidProps too, and its
// construct paths name the service.
var ErrInvalidProps = errors.New("invalid service.Props")

// AliasName is the alias every service is invoked, warmed and discovered through.
const AliasName = prewarm.DefaultAliasName

// Service is what New created. Parts that were not asked for are nil.
type Service struct {
	constructs.Construct
	Name     string
	Function awslambda.Function
	// Alias ("live") points at the current version; the warmer, provisioned
	// concurrency and Cloud Map all use it, never $LATEST.
	Alias       awslambda.IAlias
	DynamoDB    *cachetier.DynamoDB
	ElastiCache *cachetier.ElastiCache
	// Cache is the bound tier: DynamoDB, ElastiCache or Props.Cache.
	Cache       cachetier.Tier
	Warmer      *prewarm.Warmer
	Provisioned *prewarm.Provisioned
	Discovery   *cloudmap.Service
	Instance    *cloudmap.Instance
	// FrontDoor serves HTTP on the alias (Props.HTTP); URL is its endpoint.
	FrontDoor  *frontdoor.FrontDoor
	URL        *string
	Monitoring *monitoring.Monitoring
	// Jobs are the job queue, its dead-letter queue and the worker (Props.Jobs).
	Jobs *Jobs
}

// New creates the service. Invalid props panic at synth with an error wrapping
// ErrInvalidProps that lists every problem with the construct path, the prop,
// the value and the fix.
func New(scope constructs.Construct, id *string, props *Props) *Service {
	c := propcheck.For(ErrInvalidProps, scope, id)
	p := validate(c, scope, *id, props)
	c.Check()
	s := &Service{Name: *p.ServiceName}
	constructs.NewConstruct_Override(s, scope, id) // s is the scope of every part
	propcheck.Within(ErrInvalidProps, func() { s.define(p) })
	return s
}

// define creates the parts; a part's props error panics out of it.
func (s *Service) define(p *Props) {
	fnProps := *p.Function // never mutate the caller's props
	fnProps.ServiceName = p.ServiceName
	s.Cache = newCache(s, p)
	if s.ElastiCache != nil {
		if fnProps.Vpc == nil {
			fnProps.Vpc = s.ElastiCache.Vpc()
		}
		// Only with a VPC: a tier whose props were refused has none, and its
		// own error (not jsii's about subnets without a VPC) must be the one shown.
		if fnProps.Vpc != nil && fnProps.VpcSubnets == nil && p.ElastiCache.VpcSubnets != nil {
			fnProps.VpcSubnets = p.ElastiCache.VpcSubnets
		}
	}
	activeTracing(&fnProps, p.Tracing)
	s.Function = gofunction.New(s, jsii.String("Function"), &fnProps)
	applyTracing(s.Function, p.Tracing)
	if s.Cache != nil {
		s.Cache.Bind(s.Function)
	}
	if p.Jobs != nil {
		s.Jobs = newJobs(s, p, &fnProps)
	}

	prewarmService(s, p, &fnProps)

	if p.Namespace != nil {
		s.Discovery = cloudmap.NewService(s, jsii.String("Discovery"), &cloudmap.ServiceProps{
			Namespace: p.Namespace, Name: p.ServiceName,
		})
		s.Instance = s.Discovery.Register(jsii.String("Instance"), &cloudmap.InstanceProps{
			Function: s.Function, Alias: s.Alias,
		})
	}

	if p.HTTP != nil {
		fd := *p.HTTP
		fd.Target = s.Alias
		s.FrontDoor = frontdoor.New(s, jsii.String("Http"), &fd)
		s.URL = s.FrontDoor.URL
	}
	if m := p.Monitoring; m == nil || m.Disabled == nil || !*m.Disabled {
		s.Monitoring = monitoring.New(s, jsii.String("Monitoring"), monitoringProps(s, p, &fnProps))
	}
}

// activeTracing turns on Lambda's active tracing when Tracing.XRay asks for it.
func activeTracing(fp *gofunction.Props, tr *TracingProps) {
	if tr != nil && (tr.XRay == nil || *tr.XRay) {
		fp.Tracing = awslambda.Tracing_ACTIVE
	}
}

// applyTracing points fn's runtime/tracing at the collector layer.
func applyTracing(fn awslambda.Function, tr *TracingProps) {
	if tr != nil {
		fn.AddEnvironment(jsii.String(contract.EnvTracing), jsii.String(contract.TracingOTLP), nil)
		fn.AddLayers(tr.CollectorLayer)
	}
}

// Connect lets s call provider through Cloud Map discovery: environment,
// discovery and invoke permissions (cloudmap.Connect), and alarms on the calls.
func (s *Service) Connect(provider *Service) {
	if provider == nil || provider.Discovery == nil {
		c := propcheck.New(ErrInvalidProps, *s.Node().Path())
		value := propcheck.Literal("nil")
		if provider != nil {
			value = propcheck.Literal(*provider.Node().Path() + ", not registered in Cloud Map")
		}
		c.Add("Connect(provider)", value, "register the provider in Cloud Map by setting its Props.Namespace")
		c.Check()
	}
	propcheck.Within(ErrInvalidProps, func() { cloudmap.Connect(s.Function, provider.Discovery) })
	if s.Monitoring != nil {
		s.Monitoring.AddDiscoveryTarget(provider.Name)
	}
}

func newCache(s *Service, p *Props) cachetier.Tier {
	switch {
	case p.DynamoDBCache != nil:
		s.DynamoDB = cachetier.NewDynamoDB(s, jsii.String("Cache"), p.DynamoDBCache)
		return s.DynamoDB
	case p.ElastiCache != nil:
		s.ElastiCache = cachetier.NewElastiCache(s, jsii.String("Cache"), p.ElastiCache)
		return s.ElastiCache
	case p.Cache != nil:
		switch t := p.Cache.(type) {
		case *cachetier.DynamoDB:
			s.DynamoDB = t
		case *cachetier.ElastiCache:
			s.ElastiCache = t
		}
		return p.Cache
	}
	return nil
}

// prewarmService creates the live alias and keeps it warm as asked.
func prewarmService(s *Service, p *Props, fnProps *gofunction.Props) {
	pw := p.Prewarm
	if pw != nil && pw.Provisioned != nil {
		prov := *pw.Provisioned
		prov.Function = s.Function
		s.Provisioned = prewarm.NewProvisioned(s, jsii.String("Provisioned"), &prov)
		s.Alias = s.Provisioned.Alias
		return
	}
	s.Alias = awslambda.NewAlias(s, jsii.String("Live"), &awslambda.AliasProps{
		AliasName: jsii.String(AliasName), Version: s.Function.CurrentVersion(),
	})
	if pw != nil && pw.Disabled != nil && *pw.Disabled {
		return
	}
	stack := awscdk.Stack_Of(s)
	if stack.Node().TryFindChild(jsii.String(prewarm.WarmerID)) == nil { // else validate refused Prewarm.Warmer
		wp := prewarm.WarmerProps{}
		if pw != nil && pw.Warmer != nil {
			wp = *pw.Warmer
		}
		if wp.Architecture == nil {
			wp.Architecture = fnProps.Architecture // one build target for the app's functions
		}
		prewarm.NewWarmer(stack, jsii.String(prewarm.WarmerID), &wp)
	}
	s.Warmer = prewarm.WarmerOf(stack)
	concurrency := jsii.Number(1)
	if pw != nil && pw.Concurrency != nil {
		concurrency = pw.Concurrency
	}
	s.Warmer.AddTarget(s.Alias, &prewarm.TargetOptions{Concurrency: concurrency, Name: jsii.String(s.Name)})
}

func monitoringProps(s *Service, p *Props, fnProps *gofunction.Props) *monitoring.Props {
	mp := &monitoring.Props{
		ServiceName:         p.ServiceName,
		Function:            s.Function,
		Timeout:             fnProps.Timeout,
		ReservedConcurrency: fnProps.ReservedConcurrentExecutions,
	}
	if m := p.Monitoring; m != nil {
		mp.Topic, mp.ExtraActions, mp.Alarms, mp.NotifyEachAlarm = m.Topic, m.ExtraActions, m.Alarms, m.NotifyEachAlarm
	}
	if s.FrontDoor != nil {
		mp.HTTP = s.FrontDoor.MonitoringProps()
	}
	if j := s.Jobs; j != nil {
		mp.Jobs = &monitoring.JobsProps{Queue: j.Queue, DeadLetterQueue: j.DeadLetterQueue, Worker: j.Worker,
			MaxQueueAge: awscdk.Duration_Seconds(jsii.Number(j.maxAttempts * seconds(j.VisibilityTimeout)))}
	}
	if s.Provisioned != nil {
		mp.ProvisionedAlias = s.Provisioned.Alias
	}
	if s.Warmer != nil {
		mp.WarmerTarget = jsii.String(s.Name)
	}
	if s.DynamoDB != nil {
		mp.CacheTier = jsii.String(contract.TierDynamoDB)
		mp.Table = s.DynamoDB.Table()
	}
	if e := s.ElastiCache; e != nil {
		mp.CacheTier = jsii.String(contract.TierValkey)
		if e.Serverless() {
			mp.ElastiCache = &monitoring.ElastiCacheProps{ServerlessCacheName: jsii.String(e.CacheName())}
			if p.ElastiCache != nil && p.ElastiCache.Serverless != nil { // limits known only for a tier made here
				mp.ElastiCache.MaxECPUPerSecond = p.ElastiCache.Serverless.MaxECPUPerSecond
				mp.ElastiCache.MaxDataStorageGB = p.ElastiCache.Serverless.MaxDataStorageGB
			}
		} else {
			mp.ElastiCache = &monitoring.ElastiCacheProps{NodeIDs: monitoring.ReplicationGroupNodeIDs(e.ReplicationGroup())}
		}
	}
	return mp
}
