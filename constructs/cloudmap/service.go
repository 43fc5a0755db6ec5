package cloudmap

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsservicediscovery"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// IAM actions granted by this package.
const (
	ActionDiscoverInstances         = "servicediscovery:DiscoverInstances"
	ActionDiscoverInstancesRevision = "servicediscovery:DiscoverInstancesRevision"
	ActionUpdateHealthStatus        = "servicediscovery:UpdateInstanceCustomHealthStatus"
	ActionInvokeFunction            = "lambda:InvokeFunction"
	ActionInvokeFunctionURL         = "lambda:InvokeFunctionUrl"

	// Condition keys supported by the discover actions (which have no
	// resource-level permissions).
	ConditionNamespaceName = "servicediscovery:NamespaceName"
	ConditionServiceName   = "servicediscovery:ServiceName"
)

// ServiceProps configures one Cloud Map service: one logical Lift service,
// whose functions register as its instances.
type ServiceProps struct {
	// Namespace the service lives in. Required (Namespace.AddService sets it).
	Namespace *Namespace
	// Name is the Cloud Map service name that consumers list in
	// LIFT_DISCOVERY_TARGETS. Default: the construct id.
	Name *string
	// Description of the service. Default: none.
	Description *string
}

// Service is a Cloud Map service with custom health checking: its instances
// report their own health (runtime/health), failing after one report.
type Service struct {
	constructs.Construct
	// Service is the Cloud Map service.
	Service awsservicediscovery.Service
	// Namespace is where the service is registered.
	Namespace *Namespace
	// Instances registered so far, in registration order.
	Instances []*Instance

	name     string
	invokers []awsiam.IGrantable // granted invoke on every instance, also later ones
}

// NewService creates a Cloud Map service in props.Namespace. Bad props panic
// with an error wrapping ErrInvalidProps that lists every problem.
func NewService(scope constructs.Construct, id *string, props *ServiceProps) *Service {
	if props == nil {
		props = &ServiceProps{}
	}
	c := propcheck.For(ErrInvalidProps, scope, id)
	name, prop := *id, "ServiceProps.Name (default: the construct id)"
	if props.Name != nil {
		name, prop = *props.Name, "ServiceProps.Name"
	}
	check(c, prop, name, serviceNameFix(name))
	if props.Namespace == nil || props.Namespace.HttpNamespace == nil {
		c.Add("ServiceProps.Namespace", propcheck.Literal("unset"), "pass a *cloudmap.Namespace (NewNamespace or ImportNamespace), or use Namespace.AddService")
	}
	c.Check()

	s := &Service{Construct: constructs.NewConstruct(scope, id), name: name}
	s.Namespace = props.Namespace
	s.Service = awsservicediscovery.NewService(s.Construct, jsii.String("Resource"), &awsservicediscovery.ServiceProps{
		Namespace:   props.Namespace.HttpNamespace,
		Name:        jsii.String(s.name),
		Description: props.Description,
		// Instances report their own health: Cloud Map marks one unhealthy
		// after a single UNHEALTHY report (the only threshold it supports).
		CustomHealthCheck: &awsservicediscovery.HealthCheckCustomConfig{FailureThreshold: jsii.Number(1)},
	})
	return s
}

// Name is the Cloud Map service name.
func (s *Service) Name() *string { return jsii.String(s.name) }

// GrantDiscover lets grantee call DiscoverInstances and
// DiscoverInstancesRevision for this service only. Neither action supports
// resource-level permissions, so the statement's Resource is "*" and the
// NamespaceName and ServiceName condition keys do the scoping.
func (s *Service) GrantDiscover(grantee awsiam.IGrantable) awsiam.Grant {
	ns := s.Namespace.name
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings(ActionDiscoverInstances, ActionDiscoverInstancesRevision),
		ResourceArns: jsii.Strings("*"),
		Conditions: &map[string]*map[string]any{
			"StringEquals": &map[string]any{
				ConditionNamespaceName: ns,
				ConditionServiceName:   s.name,
			},
		},
	})
}

// GrantHealthReport lets grantee report the health of this service's
// instances (UpdateInstanceCustomHealthStatus on this service's ARN only).
func (s *Service) GrantHealthReport(grantee awsiam.IGrantable) awsiam.Grant {
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings(ActionUpdateHealthStatus),
		ResourceArns: jsii.Strings(*s.Service.ServiceArn()),
	})
}

// GrantInvoke lets grantee invoke the qualified ARN of every instance of this
// service, including instances registered after this call, and nothing else.
func (s *Service) GrantInvoke(grantee awsiam.IGrantable) {
	s.invokers = append(s.invokers, grantee)
	for _, in := range s.Instances {
		in.grantInvoke(grantee)
	}
}

// Connect wires consumer to call this service through discovery; see Connect.
func (s *Service) Connect(consumer awslambda.Function, opts ...ConnectOption) {
	Connect(consumer, s, opts...)
}
