// Package cloudmap registers Lift functions in AWS Cloud Map so that services
// find each other by name instead of by hard-coded ARNs.
//
// One HTTP namespace ([NewNamespace] or [ImportNamespace]) holds one Cloud Map
// service per logical service ([Namespace.AddService] or [NewService]). Each
// function is registered as a non-IP instance ([Service.Register]) whose
// attributes tell runtime/discovery how to call it: the qualified function ARN,
// alias, region, weight, protocol and, where the function has one, its URL
// (the LIFT_* attributes docs/contract.md lists). A consumer is wired to a
// provider with one call, [Connect] (or [Service.Connect]), which sets its
// environment, lets it discover the provider and lets it invoke exactly the
// provider's registered qualifiers and nothing else.
//
// # Environment
//
// [Service.Register] sets on the registered function: LIFT_DISCOVERY_NAMESPACE,
// LIFT_DISCOVERY_SERVICE, LIFT_DISCOVERY_SERVICE_ID (for health reports) and
// LIFT_DISCOVERY_INSTANCE_ID. [Connect] sets on the consumer:
// LIFT_DISCOVERY_NAMESPACE, LIFT_DISCOVERY_TARGETS (provider names appended,
// comma separated, no duplicates), LIFT_DISCOVERY_REFRESH and
// LIFT_DISCOVERY_MAX_STALE (written explicitly; [WithRefresh], [WithMaxStale]).
// A function belongs to one namespace: registering or connecting it across
// two is refused.
//
// # Qualified ARNs only
//
// An instance always carries a qualified ARN: an alias ARN (preferred: it is
// stable across deploys, so Cloud Map does not churn and provisioned
// concurrency lives there) or a published version ARN. An unqualified function
// (which Lambda resolves to $LATEST) is refused at synth time, and so is the
// version $LATEST: callers would otherwise run whatever code was uploaded last,
// bypassing the alias that deployments, provisioned concurrency and rollbacks
// act on.
//
// # Errors
//
// As every Lift construct does, NewNamespace, ImportNamespace, NewService,
// Register and Connect check all their props before defining anything and
// panic once with an error wrapping ErrInvalidProps that lists every problem
// with the construct path, the prop, the value and the fix. What this package
// knows about a function (its namespace, registration and targets) lives in
// the construct tree, in a child of the function.
//
// # Function URLs
//
// An instance reached over HTTP (Protocol http) publishes a function URL
// whose AuthType is AWS_IAM: runtime/discovery signs its calls with SigV4 and
// Connect grants callers lambda:InvokeFunctionUrl on the qualifier. Register
// adds that URL when InstanceProps.FunctionUrl is not given. A public URL
// (AuthType NONE) needs InstanceProps.PublicUrl, and synth warns about it.
//
// # IAM
//
// Discovery (servicediscovery:DiscoverInstances and DiscoverInstancesRevision)
// has no resource-level permissions in the Service Authorization Reference: the
// Resource must be "*". The grant is scoped instead by the
// servicediscovery:NamespaceName and servicediscovery:ServiceName condition
// keys, which both actions support. Health reports
// (servicediscovery:UpdateInstanceCustomHealthStatus) are granted on the
// service's own ARN, and invocation (lambda:InvokeFunction) on the qualified
// ARNs of the connected provider's instances only.
package cloudmap
