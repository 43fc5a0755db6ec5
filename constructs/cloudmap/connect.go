package cloudmap

import (
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

func nsName(s *Service) string {
	if s == nil || s.Namespace == nil {
		return ""
	}
	return s.Namespace.name
}

func fnPath(fn awslambda.Function) string { return *fn.Node().Path() }

// checkRegistration refuses a second registration of in's function, a
// namespace different from the one the function already discovers in, and a
// service the function is connected to.
func checkRegistration(c *propcheck.Collector, fn awslambda.Function, s *Service) {
	st := peekState(fn)
	if st.instance != nil {
		c.Add("InstanceProps.Function", propcheck.Literal(fnPath(fn)+", already registered as instance "+st.instance.InstanceID+" of service "+st.instance.Service.name),
			"a function is one Cloud Map instance (LIFT_DISCOVERY_INSTANCE_ID holds one id): register another alias of it through a separate function, or drop this registration")
	}
	if slices.Contains(st.targets, s) {
		c.Add("InstanceProps.Function", propcheck.Literal(fnPath(fn)+", connected to service "+s.name),
			"a function must not discover and call itself: register it in its own service")
	}
	if ns := nsName(s); st.namespace != "" && st.namespace != ns {
		c.Add("InstanceProps.Function", propcheck.Literal(fnPath(fn)+", which discovers in namespace "+st.namespace),
			"it cannot register in namespace %q: use one namespace per function", ns)
	}
}

// Connect lets consumer call provider through discovery, in one call:
//
//   - environment: LIFT_DISCOVERY_NAMESPACE (the provider's namespace) and
//     LIFT_DISCOVERY_TARGETS (the provider's service name appended, comma
//     separated, without duplicates);
//   - discovery: DiscoverInstances and DiscoverInstancesRevision scoped by
//     condition to the provider's namespace and service;
//   - invocation: lambda:InvokeFunction on the qualified ARN of each of the
//     provider's instances (also those registered later), plus
//     lambda:InvokeFunctionUrl for instances reached over their function URL,
//     and nothing else;
//   - tuning: LIFT_DISCOVERY_REFRESH and LIFT_DISCOVERY_MAX_STALE, written
//     explicitly (defaults 30s and 15m; see WithRefresh, WithMaxStale).
//
// Connecting twice is a no-op. A consumer connects to services of one
// namespace only, and never to its own service. Problems panic, before
// anything is changed, with an error wrapping ErrInvalidProps that lists them.
func Connect(consumer awslambda.Function, provider *Service, opts ...ConnectOption) {
	var cfg connectConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	path := "Connect"
	switch {
	case provider != nil:
		path = *provider.Node().Path()
	case consumer != nil:
		path = fnPath(consumer)
	}
	c := propcheck.New(ErrInvalidProps, path)
	switch {
	case consumer == nil:
		c.Add("Connect(consumer)", propcheck.Literal("nil"), "pass the calling awslambda.Function")
	case provider == nil:
		c.Add("Connect(provider)", propcheck.Literal("nil"), "pass the *cloudmap.Service consumer %s calls (Namespace.AddService)", fnPath(consumer))
	}
	c.Check()
	connect(c, consumer, provider, cfg)
}

func connect(c *propcheck.Collector, consumer awslambda.Function, provider *Service, cfg connectConfig) {
	st := peekState(consumer)
	ns := nsName(provider)
	self := slices.ContainsFunc(provider.Instances, func(in *Instance) bool { return in.Function == consumer }) ||
		(st.instance != nil && st.instance.Service == provider)
	if self {
		c.Add("Connect(consumer)", propcheck.Literal(fnPath(consumer)+", an instance of this service"),
			"a function must not discover and call itself: connect it to another service")
	}
	if st.namespace != "" && st.namespace != ns {
		c.Add("Connect(consumer)", propcheck.Literal(fnPath(consumer)+", which discovers in namespace "+st.namespace),
			"it cannot connect to a service in namespace %q (LIFT_DISCOVERY_NAMESPACE holds one name): put both services in one namespace", ns)
	}
	refresh, maxStale := resolveTuning(c, st, cfg)
	connected := slices.Contains(st.targets, provider)
	if !connected && slices.ContainsFunc(st.targets, func(t *Service) bool { return t.name == provider.name }) {
		c.Add("Connect(provider)", provider.name, "consumer %s is already connected to another service of that name; service names must be unique in a namespace", fnPath(consumer))
	}
	c.Check()

	st = stateOf(consumer)
	st.refresh, st.maxStale = refresh, maxStale
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryRefresh), jsii.String(refresh.String()), nil)
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryMaxStale), jsii.String(maxStale.String()), nil)
	if connected {
		return
	}
	st.namespace = ns
	st.targets = append(st.targets, provider)
	names := make([]string, len(st.targets))
	for i, t := range st.targets {
		names[i] = t.name
	}
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryNamespace), provider.Namespace.Name(), nil)
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryTargets), jsii.String(strings.Join(names, ",")), nil)
	provider.GrantDiscover(consumer)
	provider.GrantInvoke(consumer)
}
