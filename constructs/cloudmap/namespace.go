package cloudmap

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsservicediscovery"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/token"
)

// NamespaceProps configures a Cloud Map HTTP namespace: either a new one
// (Name) or an existing one (Existing), never both.
type NamespaceProps struct {
	// Name of a new HTTP namespace; it is what consumers discover in
	// (LIFT_DISCOVERY_NAMESPACE). Required unless Existing is set.
	Name *string
	// Description of a new namespace. Default: none.
	Description *string
	// Existing uses an HTTP namespace created elsewhere instead of creating one.
	// Its NamespaceName must be the namespace's HttpName. Default: create one.
	Existing awsservicediscovery.IHttpNamespace
}

// Namespace is a Cloud Map HTTP namespace that Lift services register in.
type Namespace struct {
	constructs.Construct
	// HttpNamespace is the namespace, created or imported.
	HttpNamespace awsservicediscovery.IHttpNamespace
	// Created is the namespace this construct created; nil when imported.
	Created awsservicediscovery.HttpNamespace

	name     string
	problems *problems
}

// NewNamespace creates an HTTP namespace (or wraps an existing one).
func NewNamespace(scope constructs.Construct, id *string, props *NamespaceProps) *Namespace {
	n := &Namespace{Construct: constructs.NewConstruct(scope, id)}
	n.problems = attachProblems(n.Construct)
	if props == nil {
		props = &NamespaceProps{}
	}
	switch {
	case props.Existing != nil && props.Name != nil:
		n.problems.add(invalid("NamespaceProps.Name %q and NamespaceProps.Existing are both set; set Name to create a namespace or Existing to use one, not both", *props.Name))
		n.useExisting(props.Existing)
	case props.Existing != nil:
		n.useExisting(props.Existing)
	case props.Name == nil:
		n.problems.add(invalid("NamespaceProps.Name is empty; set Name (e.g. jsii.String(\"shop\")) to create a namespace, or Existing to use one"))
	default:
		n.name = *props.Name
		if !token.Unresolved(n.name) {
			n.problems.add(ValidateNamespaceName("NamespaceProps.Name", n.name))
		}
		n.Created = awsservicediscovery.NewHttpNamespace(n.Construct, jsii.String("Resource"), &awsservicediscovery.HttpNamespaceProps{
			Name:        props.Name,
			Description: props.Description,
		})
		n.HttpNamespace = n.Created
	}
	return n
}

// ImportNamespace wraps an existing HTTP namespace by name, id and ARN.
// attrs.NamespaceName must be the namespace's HttpName (what DiscoverInstances
// takes), which equals its name unless the name was reused.
func ImportNamespace(scope constructs.Construct, id *string, attrs *awsservicediscovery.HttpNamespaceAttributes) *Namespace {
	n := &Namespace{Construct: constructs.NewConstruct(scope, id)}
	n.problems = attachProblems(n.Construct)
	if attrs == nil || attrs.NamespaceName == nil || attrs.NamespaceId == nil || attrs.NamespaceArn == nil {
		n.problems.add(invalid("ImportNamespace attrs need NamespaceName, NamespaceId and NamespaceArn (from `aws servicediscovery get-namespace`)"))
		return n
	}
	n.useExisting(awsservicediscovery.HttpNamespace_FromHttpNamespaceAttributes(n.Construct, jsii.String("Imported"), attrs))
	return n
}

func (n *Namespace) useExisting(ns awsservicediscovery.IHttpNamespace) {
	n.HttpNamespace = ns
	if ns.NamespaceName() != nil {
		n.name = *ns.NamespaceName()
	}
	if n.name == "" {
		n.problems.add(invalid("NamespaceProps.Existing has no NamespaceName; import it with HttpNamespace_FromHttpNamespaceAttributes giving the namespace's HttpName"))
		return
	}
	if !token.Unresolved(n.name) {
		n.problems.add(ValidateNamespaceName("NamespaceProps.Existing.NamespaceName", n.name))
	}
}

// Name is the namespace name consumers discover in (LIFT_DISCOVERY_NAMESPACE).
// It may be a token when the namespace was imported from another stack.
func (n *Namespace) Name() *string { return jsii.String(n.name) }

// AddService creates a Cloud Map service in this namespace; see NewService.
func (n *Namespace) AddService(id *string, props *ServiceProps) *Service {
	p := ServiceProps{}
	if props != nil {
		p = *props // never mutate the caller's props
	}
	p.Namespace = n
	return NewService(n.Construct, id, &p)
}
