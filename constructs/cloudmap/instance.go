package cloudmap

import (
	"fmt"
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
	"github.com/liftcdk/lift/constructs/internal/propcheck"
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
	// Protocol is how callers reach the instance: "lambda" (the Invoke API) or
	// "http" (its function URL). Default "lambda".
	Protocol *string
	// FunctionUrl of the qualifier, published as the URL attribute, for the
	// http protocol. Its AuthType must be AWS_IAM unless PublicUrl is set.
	// Default: with the http protocol, Register adds an AWS_IAM function URL
	// to the qualifier; runtime/discovery signs calls to it with SigV4 and
	// Connect grants callers lambda:InvokeFunctionUrl.
	FunctionUrl awslambda.IFunctionUrl
	// PublicUrl makes the instance's function URL public (AuthType NONE):
	// anyone on the internet may call it, and synth warns so. Only with the
	// http protocol. Default: false (AWS_IAM).
	PublicUrl *bool
	// InstanceId is the Cloud Map instance id. Default: the construct id,
	// which keeps it stable across deploys.
	InstanceId *string
}

// Instance is one function registered in a Service as a non-IP instance.
type Instance struct {
	constructs.Construct
	// Instance is the Cloud Map instance.
	Instance awsservicediscovery.NonIpInstance
	// InstanceID is the Cloud Map instance id (LIFT_DISCOVERY_INSTANCE_ID).
	InstanceID string
	// QualifiedArn is the alias or version ARN registered (LIFT_FUNCTION_ARN).
	QualifiedArn *string
	// Function is the registered function.
	Function awslambda.Function
	// FunctionUrl is the URL callers use with the http protocol (given or
	// added by Register); nil with the lambda protocol.
	FunctionUrl awslambda.IFunctionUrl
	// Service the instance belongs to.
	Service *Service
	// Attributes are the Cloud Map custom attributes (LIFT_FUNCTION_ARN,
	// LIFT_WEIGHT, LIFT_PROTOCOL and the others docs/contract.md lists).
	Attributes map[string]*string

	protocol string
}

// Register registers props.Function as an instance of this service. It sets
// the function's LIFT_DISCOVERY_NAMESPACE, LIFT_DISCOVERY_SERVICE,
// LIFT_DISCOVERY_SERVICE_ID and LIFT_DISCOVERY_INSTANCE_ID, lets it report its
// own health, and lets every connected consumer invoke it. Bad props panic,
// before anything is defined, with an error wrapping ErrInvalidProps that
// lists every problem.
func (s *Service) Register(id *string, props *InstanceProps) *Instance {
	if props == nil {
		props = &InstanceProps{}
	}
	c := propcheck.For(ErrInvalidProps, s.Construct, id)
	in := &Instance{Service: s, InstanceID: *id, Function: props.Function, protocol: contract.ProtocolLambda}
	if props.InstanceId != nil {
		in.InstanceID = *props.InstanceId
		check(c, "InstanceProps.InstanceId", in.InstanceID, instanceIDFix(in.InstanceID))
	} else {
		check(c, "InstanceProps.InstanceId (default: the construct id)", in.InstanceID, instanceIDFix(in.InstanceID))
	}
	if in.Function == nil {
		c.Add("InstanceProps.Function", propcheck.Literal("nil"), "pass the awslambda.Function to register (e.g. from gofunction.New)")
		c.Check()
	}
	qualified, alias := qualifier(c, props)
	weight := weightOf(c, props.Weight)
	if props.Protocol != nil {
		in.protocol = *props.Protocol
	}
	public := props.PublicUrl != nil && *props.PublicUrl
	switch in.protocol {
	case contract.ProtocolLambda:
		if props.FunctionUrl != nil || public {
			c.Add("InstanceProps.Protocol", in.protocol, "FunctionUrl and PublicUrl apply to the http protocol only: set Protocol to %q, or drop them", contract.ProtocolHTTP)
		}
	case contract.ProtocolHTTP:
		if u, ok := props.FunctionUrl.(awslambda.FunctionUrl); ok && u != nil && urlAuthType(u) == "NONE" && !public {
			c.Add("InstanceProps.FunctionUrl", propcheck.Literal(*u.Node().Path()+" (AuthType NONE: public)"),
				"create it with AuthType awslambda.FunctionUrlAuthType_AWS_IAM (runtime/discovery signs calls), or set InstanceProps.PublicUrl to publish a public URL on purpose")
		}
	default:
		c.Add("InstanceProps.Protocol", in.protocol, "use %q or %q", contract.ProtocolLambda, contract.ProtocolHTTP)
	}
	checkRegistration(c, in.Function, s)
	c.Check()

	in.Construct = constructs.NewConstruct(s.Construct, id)
	stateOf(in.Function).namespace = s.Namespace.name
	stateOf(in.Function).instance = in
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
	if in.protocol == contract.ProtocolHTTP {
		in.FunctionUrl = functionURL(in, qualified, props.FunctionUrl, public)
		in.Attributes[contract.AttrURL] = in.FunctionUrl.Url()
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

// functionURL is the given URL, or a new one on the qualifier: AWS_IAM, or
// NONE with a warning when public.
func functionURL(in *Instance, qualified awslambda.IFunction, given awslambda.IFunctionUrl, public bool) awslambda.IFunctionUrl {
	if public {
		awscdk.Annotations_Of(in.Construct).AddWarningV2(jsii.String("lift:cloudmap:public-url"), jsii.String(fmt.Sprintf(
			"the function URL of instance %s (%s) is public (AuthType NONE): anyone on the internet can invoke it; "+
				"drop InstanceProps.PublicUrl to require AWS_IAM (SigV4) instead", in.InstanceID, fnPath(in.Function))), nil)
	}
	if given != nil {
		return given
	}
	auth := awslambda.FunctionUrlAuthType_AWS_IAM
	if public {
		auth = awslambda.FunctionUrlAuthType_NONE
	}
	return qualified.AddFunctionUrl(&awslambda.FunctionUrlOptions{AuthType: auth})
}

// urlAuthType reads the AuthType of a function URL defined in this app.
func urlAuthType(u awslambda.FunctionUrl) string {
	if cfn, ok := u.Node().DefaultChild().(awslambda.CfnUrl); ok && cfn != nil && cfn.AuthType() != nil {
		return *cfn.AuthType()
	}
	return ""
}

// qualifier picks the alias or version to register, recording why it cannot.
func qualifier(c *propcheck.Collector, props *InstanceProps) (awslambda.IFunction, awslambda.IAlias) {
	fnPath := fnPath(props.Function)
	switch {
	case props.Alias != nil && props.Version != nil:
		c.Add("InstanceProps.Alias", aliasName(props.Alias), "InstanceProps.Version is set too: set one (Alias preferred)")
	case props.Alias != nil:
		if owner := props.Alias.Version().Lambda(); owner != nil && *owner.Node().Path() != fnPath {
			c.Add("InstanceProps.Alias", propcheck.Literal(fmt.Sprintf("%q of %s", aliasName(props.Alias), *owner.Node().Path())),
				"it is not an alias of InstanceProps.Function %s: pass an alias of the registered function", fnPath)
		} else if v := props.Alias.Version().Version(); v != nil && *v == "$LATEST" {
			c.Add("InstanceProps.Alias", aliasName(props.Alias), "it points at $LATEST: point it at a published version (fn.CurrentVersion())")
		}
		return props.Alias, props.Alias
	case props.Version != nil:
		if v := props.Version.Version(); v != nil && *v == "$LATEST" {
			c.Add("InstanceProps.Version", propcheck.Literal("$LATEST"), "pass fn.CurrentVersion() or, better, an alias in InstanceProps.Alias")
		} else if owner := props.Version.Lambda(); owner != nil && *owner.Node().Path() != fnPath {
			c.Add("InstanceProps.Version", propcheck.Literal("a version of "+*owner.Node().Path()),
				"it is not a version of InstanceProps.Function %s: pass a version of the registered function", fnPath)
		}
		return props.Version, nil
	default:
		c.Add("InstanceProps.Alias/Version", propcheck.Literal("neither set"),
			"an unqualified function would be invoked at $LATEST: pass Alias: fn.AddAlias(jsii.String(\"live\"), nil) (preferred) or Version: fn.CurrentVersion()")
	}
	return nil, nil
}

func aliasName(a awslambda.IAlias) string {
	if n := a.AliasName(); n != nil {
		return *n
	}
	return ""
}

func weightOf(c *propcheck.Collector, w *float64) int {
	if w == nil {
		return 1
	}
	if *w < 0 || *w != math.Trunc(*w) || *w > math.MaxInt32 || math.IsNaN(*w) {
		c.Add("InstanceProps.Weight", w, "give a whole number >= 0: 1 (default) or more for a larger share, 0 to drain")
		return 1
	}
	return int(*w)
}

// grantInvoke lets grantee invoke this instance's qualified ARN only.
func (in *Instance) grantInvoke(grantee awsiam.IGrantable) {
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
