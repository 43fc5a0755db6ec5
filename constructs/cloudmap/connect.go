package cloudmap

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

// functionState is what this package has configured on one function: the
// namespace it discovers in and is registered in (one per function: the
// environment holds one LIFT_DISCOVERY_NAMESPACE), its registration, and the
// services it may call. Functions are keyed by identity, so two apps in one
// process (tests) never share state.
type functionState struct {
	namespace         string
	instance          *Instance
	targets           []*Service
	refresh, maxStale time.Duration // as written to the environment; 0 before the first Connect
}

var functions = struct {
	sync.Mutex
	m map[awslambda.Function]*functionState
}{m: map[awslambda.Function]*functionState{}}

func stateOf(fn awslambda.Function) *functionState {
	st := functions.m[fn]
	if st == nil {
		st = &functionState{}
		functions.m[fn] = st
	}
	return st
}

func nsName(s *Service) string {
	if s == nil || s.Namespace == nil {
		return ""
	}
	return s.Namespace.name
}

func fnPath(fn awslambda.Function) string { return *fn.Node().Path() }

// claimRegistration records in as its function's registration, refusing a
// second registration, a namespace different from the one the function
// already discovers in, and a service the function is connected to.
func claimRegistration(in *Instance) error {
	functions.Lock()
	defer functions.Unlock()
	st := stateOf(in.Function)
	s := in.Service
	if st.instance != nil {
		return invalid("InstanceProps.Function %s is already registered as instance %q of service %q; a function is one Cloud Map instance (LIFT_DISCOVERY_INSTANCE_ID holds one id): register another alias of it through a separate function, or drop this registration",
			fnPath(in.Function), st.instance.InstanceID, st.instance.Service.name)
	}
	if slices.Contains(st.targets, s) {
		return invalid("InstanceProps.Function %s is connected to service %q and cannot also be its instance: a function must not discover and call itself; register it in its own service", fnPath(in.Function), s.name)
	}
	if ns := nsName(s); st.namespace != "" && ns != "" && st.namespace != ns {
		return invalid("InstanceProps.Function %s already discovers in namespace %q, so it cannot register in %q; use one namespace per function", fnPath(in.Function), st.namespace, ns)
	}
	if ns := nsName(s); ns != "" {
		st.namespace = ns
	}
	st.instance = in
	return nil
}

// Connect lets consumer call provider through discovery, in one call:
//
//   - environment: LIFT_DISCOVERY_NAMESPACE (the provider's namespace) and
//     LIFT_DISCOVERY_TARGETS (the provider's service name appended, comma
//     separated, without duplicates);
//   - discovery: DiscoverInstances and DiscoverInstancesRevision scoped by
//     condition to the provider's namespace and service;
//   - invocation: lambda:InvokeFunction on the qualified ARN of each of the
//     provider's instances (also those registered later), and nothing else;
//   - tuning: LIFT_DISCOVERY_REFRESH and LIFT_DISCOVERY_MAX_STALE, written
//     explicitly (defaults contract.DefaultDiscoveryRefresh and
//     DefaultDiscoveryMaxStale; see WithRefresh, WithMaxStale).
//
// Connecting twice is a no-op. A consumer connects to services of one
// namespace only, and never to its own service. Problems are returned and also
// recorded as construct validations, so synthesis fails on them even when the
// error is ignored.
func Connect(consumer awslambda.Function, provider *Service, opts ...ConnectOption) error {
	var c connectConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	err := connect(consumer, provider, c)
	if err != nil {
		switch {
		case provider != nil:
			provider.problems.add(err)
		case consumer != nil:
			attachProblems(consumer).add(err)
		}
	}
	return err
}

func connect(consumer awslambda.Function, provider *Service, c connectConfig) error {
	switch {
	case consumer == nil && provider == nil:
		return invalid("Connect: consumer and provider are nil; pass the calling awslambda.Function and the *cloudmap.Service it calls")
	case consumer == nil:
		return invalid("Connect: consumer is nil for provider service %q; pass the calling awslambda.Function", provider.name)
	case provider == nil:
		return invalid("Connect: provider is nil for consumer %s; pass the *cloudmap.Service it calls (Namespace.AddService)", fnPath(consumer))
	}
	for _, in := range provider.Instances {
		if in.Function == consumer {
			return invalid("Connect: consumer %s is instance %q of provider service %q; a function must not discover and call itself, connect it to another service", fnPath(consumer), in.InstanceID, provider.name)
		}
	}
	ns := nsName(provider)
	if ns == "" {
		return invalid("Connect: provider service %q has no namespace; create it with Namespace.AddService", provider.name)
	}

	functions.Lock()
	st := stateOf(consumer)
	switch {
	case st.instance != nil && st.instance.Service == provider:
		functions.Unlock()
		return invalid("Connect: consumer %s is instance %q of provider service %q; a function must not discover and call itself, connect it to another service", fnPath(consumer), st.instance.InstanceID, provider.name)
	case st.namespace != "" && st.namespace != ns:
		functions.Unlock()
		return invalid("Connect: consumer %s discovers in namespace %q, so it cannot connect to service %q in namespace %q (LIFT_DISCOVERY_NAMESPACE holds one name); put both services in one namespace",
			fnPath(consumer), st.namespace, provider.name, ns)
	}
	refresh, maxStale, err := resolveTuning(fnPath(consumer), st, c)
	if err != nil {
		functions.Unlock()
		return err
	}
	if slices.Contains(st.targets, provider) {
		st.refresh, st.maxStale = refresh, maxStale
		functions.Unlock()
		consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryRefresh), jsii.String(refresh.String()), nil)
		consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryMaxStale), jsii.String(maxStale.String()), nil)
		return nil
	}
	for _, t := range st.targets {
		if t.name == provider.name {
			functions.Unlock()
			return invalid("Connect: consumer %s is already connected to another service named %q; service names must be unique in a namespace", fnPath(consumer), provider.name)
		}
	}
	st.namespace = ns
	st.refresh, st.maxStale = refresh, maxStale
	st.targets = append(st.targets, provider)
	names := make([]string, len(st.targets))
	for i, t := range st.targets {
		names[i] = t.name
	}
	functions.Unlock()

	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryNamespace), provider.Namespace.Name(), nil)
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryTargets), jsii.String(strings.Join(names, ",")), nil)
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryRefresh), jsii.String(refresh.String()), nil)
	consumer.AddEnvironment(jsii.String(contract.EnvDiscoveryMaxStale), jsii.String(maxStale.String()), nil)
	provider.GrantDiscover(consumer)
	provider.GrantInvoke(consumer)
	return nil
}

// Err returns the props problems recorded on this service, its instances and
// its connections so far, or nil. Synthesis fails on the same problems.
func (s *Service) Err() error { return s.problems.Err() }

// Err returns the props problems recorded on this namespace so far, or nil.
func (n *Namespace) Err() error { return n.problems.Err() }
