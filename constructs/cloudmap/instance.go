package cloudmap

import (
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsservicediscovery"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/lambdaarn"
	"github.com/liftcdk/lift/internal/contract"
)

// InstanceProps registers one function as an instance of a Service.
type InstanceProps struct {
	// Function whose environment and role the registration configures.
	// Required.
	Function awslambda.Function
	// Alias is the qualifier callers invoke (preferred). One of Alias or
	// Version is required: an unqualified function is refused.
	Alias awslambda.IAlias
	// Version is the published version callers invoke when there is no alias.
	// Never $LATEST.
	Version awslambda.IVersion
	// Weight is the instance's relative share of traffic for weighted
	// balancing: a whole number >= 0; 0 drains it. Default 1.
	Weight *float64
	// Protocol is how callers reach the instance: contract.ProtocolLambda (the
	// Invoke API) or contract.ProtocolHTTP (FunctionUrl). Default lambda.
	Protocol *string
	// FunctionUrl of the qualifier, published as the URL attribute. Required
	// for the http protocol. Default: no URL attribute.
	FunctionUrl awslambda.IFunctionUrl
	// InstanceId is the Cloud Map instance id. Default: the construct id,
	// which keeps it stable across deploys.
	InstanceId *string
}

// Instance is one function registered in a Service as a non-IP instance.
type Instance struct {
	constructs.Construct
	// Instance is the Cloud Map instance; nil when the props were invalid.
	Instance awsservicediscovery.NonIpInstance
	// InstanceID is the Cloud Map instance id (LIFT_DISCOVERY_INSTANCE_ID).
	InstanceID string
	// QualifiedArn is the alias or version ARN registered (LIFT_FUNCTION_ARN).
	QualifiedArn *string
	// Function is the registered function.
	Function awslambda.Function
	// Service the instance belongs to.
	Service *Service
	// Attributes are the Cloud Map custom attributes (contract.Attr* keys).
	Attributes map[string]*string

	protocol string
}

// Register registers props.Function as an instance of this service. It sets
// the function's LIFT_DISCOVERY_NAMESPACE, LIFT_DISCOVERY_SERVICE,
// LIFT_DISCOVERY_SERVICE_ID and LIFT_DISCOVERY_INSTANCE_ID, lets it report its
// own health, and lets every connected consumer invoke it.
func (s *Service) Register(id *string, props *InstanceProps) *Instance {
	in := &Instance{Construct: constructs.NewConstruct(s.Construct, id), Service: s}
	p := s.problems
	if props == nil {
		props = &InstanceProps{}
	}
	in.InstanceID = *id
	if props.InstanceId != nil {
		in.InstanceID = *props.InstanceId
		p.add(ValidateInstanceID("InstanceProps.InstanceId", in.InstanceID))
	} else {
		p.add(ValidateInstanceID("InstanceProps.InstanceId (default: the construct id)", in.InstanceID))
	}
	in.Function = props.Function
	if in.Function == nil {
		p.add(invalid("InstanceProps.Function is nil for instance %q of service %q; pass the awslambda.Function to register (e.g. from gofunction.New)", in.InstanceID, s.name))
		return in
	}
	fnPath := *in.Function.Node().Path()
	qualified, alias := qualifier(p, fnPath, props)
	weight := weightOf(p, fnPath, props.Weight)
	in.protocol = contract.ProtocolLambda
	if props.Protocol != nil {
		in.protocol = *props.Protocol
	}
	switch in.protocol {
	case contract.ProtocolLambda:
	case contract.ProtocolHTTP:
		if props.FunctionUrl == nil {
			p.add(invalid("InstanceProps.Protocol %q for %s needs InstanceProps.FunctionUrl; add one with alias.AddFunctionUrl, or use protocol %q", in.protocol, fnPath, contract.ProtocolLambda))
		}
	default:
		p.add(invalid("InstanceProps.Protocol %q for %s is unknown; use contract.ProtocolLambda (%q) or contract.ProtocolHTTP (%q)", in.protocol, fnPath, contract.ProtocolLambda, contract.ProtocolHTTP))
	}
	if err := claimRegistration(in); err != nil {
		p.add(err)
		return in
	}
	if qualified == nil || s.Service == nil || s.Namespace == nil {
		return in
	}
	in.QualifiedArn = lambdaarn.Qualified(qualified)
	in.Attributes = map[string]*string{
		contract.AttrFunctionARN: in.QualifiedArn,
		contract.AttrRegion:      awscdk.Stack_Of(in.Function).Region(),
		contract.AttrWeight:      jsii.String(strconv.Itoa(weight)),
		contract.AttrProtocol:    jsii.String(in.protocol),
	}
	if alias != nil {
		in.Attributes[contract.AttrAlias] = alias.AliasName()
	}
	if props.FunctionUrl != nil {
		in.Attributes[contract.AttrURL] = props.FunctionUrl.Url()
	}
	in.Instance = awsservicediscovery.NewNonIpInstance(in.Construct, jsii.String("Resource"), &awsservicediscovery.NonIpInstanceProps{
		Service:          s.Service,
		InstanceId:       jsii.String(in.InstanceID),
		CustomAttributes: &in.Attributes,
	})

	env := map[string]*string{
		contract.EnvDiscoveryNamespace:  s.Namespace.Name(),
		contract.EnvDiscoveryService:    jsii.String(s.name),
		contract.EnvDiscoveryServiceID:  s.Service.ServiceId(),
		contract.EnvDiscoveryInstanceID: jsii.String(in.InstanceID),
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		in.Function.AddEnvironment(jsii.String(k), env[k], nil)
	}
	s.GrantHealthReport(in.Function)
	s.Instances = append(s.Instances, in)
	for _, g := range s.invokers {
		in.grantInvoke(g)
	}
	return in
}

// qualifier picks the alias or version to register, recording why it cannot.
func qualifier(p *problems, fnPath string, props *InstanceProps) (awslambda.IFunction, awslambda.IAlias) {
	switch {
	case props.Alias != nil && props.Version != nil:
		p.add(invalid("InstanceProps.Alias %q and InstanceProps.Version are both set for %s; set one (Alias preferred)", aliasName(props.Alias), fnPath))
		return nil, nil
	case props.Alias != nil:
		if owner := props.Alias.Version().Lambda(); owner != nil && *owner.Node().Path() != fnPath {
			p.add(invalid("InstanceProps.Alias %q belongs to %s, not InstanceProps.Function %s; pass an alias of the registered function", aliasName(props.Alias), *owner.Node().Path(), fnPath))
			return nil, nil
		}
		if v := props.Alias.Version().Version(); v != nil && *v == "$LATEST" {
			p.add(invalid("InstanceProps.Alias %q of %s points at $LATEST; point it at a published version (fn.CurrentVersion())", aliasName(props.Alias), fnPath))
			return nil, nil
		}
		return props.Alias, props.Alias
	case props.Version != nil:
		if v := props.Version.Version(); v != nil && *v == "$LATEST" {
			p.add(invalid("InstanceProps.Version of %s is $LATEST (unqualified); pass fn.CurrentVersion() or, better, an alias in InstanceProps.Alias", fnPath))
			return nil, nil
		}
		if owner := props.Version.Lambda(); owner != nil && *owner.Node().Path() != fnPath {
			p.add(invalid("InstanceProps.Version belongs to %s, not InstanceProps.Function %s; pass a version of the registered function", *owner.Node().Path(), fnPath))
			return nil, nil
		}
		return props.Version, nil
	default:
		p.add(invalid("InstanceProps for %s has neither Alias nor Version: an unqualified function would be invoked at $LATEST; pass Alias: fn.AddAlias(jsii.String(\"live\"), nil) (preferred) or Version: fn.CurrentVersion()", fnPath))
		return nil, nil
	}
}

func aliasName(a awslambda.IAlias) string {
	if n := a.AliasName(); n != nil {
		return *n
	}
	return ""
}

func weightOf(p *problems, fnPath string, w *float64) int {
	if w == nil {
		return 1
	}
	if *w < 0 || *w != math.Trunc(*w) || *w > math.MaxInt32 || math.IsNaN(*w) {
		p.add(invalid("InstanceProps.Weight %v for %s is not a whole number >= 0; use 1 (default) or more for a larger share, 0 to drain", *w, fnPath))
		return 1
	}
	return int(*w)
}

// grantInvoke lets grantee invoke this instance's qualified ARN only.
func (in *Instance) grantInvoke(grantee awsiam.IGrantable) {
	if in.QualifiedArn == nil {
		return
	}
	actions := []string{ActionInvokeFunction}
	if in.protocol == contract.ProtocolHTTP {
		actions = append(actions, ActionInvokeFunctionURL)
	}
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings(actions...),
		ResourceArns: &[]*string{in.QualifiedArn},
	})
}
