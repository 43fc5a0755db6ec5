package cloudmap

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsservicediscovery"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
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

	name string
}

// NewNamespace creates an HTTP namespace (or wraps an existing one). Bad props
// panic with an error wrapping ErrInvalidProps that lists every problem.
func NewNamespace(scope constructs.Construct, id *string, props *NamespaceProps) *Namespace {
	if props == nil {
		props = &NamespaceProps{}
	}
	c := propcheck.For(ErrInvalidProps, scope, id)
	switch {
	case props.Existing != nil && props.Name != nil:
		c.Add("NamespaceProps.Name", props.Name, "NamespaceProps.Existing is set too; set Name to create a namespace or Existing to use one, not both")
	case props.Existing != nil:
		checkExistingName(c, props.Existing.NamespaceName())
	case props.Name == nil:
		c.Add("NamespaceProps.Name", props.Name, "set Name (e.g. jsii.String(\"shop\")) to create a namespace, or Existing to use one")
	case !token.Unresolved(props.Name):
		check(c, "NamespaceProps.Name", props.Name, namespaceNameFix(*props.Name))
	}
	c.Check()

	n := &Namespace{Construct: constructs.NewConstruct(scope, id)}
	if props.Existing != nil {
		n.useExisting(props.Existing)
	} else {
		n.name = *props.Name
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
	c := propcheck.For(ErrInvalidProps, scope, id)
	if attrs == nil || attrs.NamespaceName == nil || attrs.NamespaceId == nil || attrs.NamespaceArn == nil {
		c.Add("ImportNamespace(attrs)", propcheck.Literal("incomplete"), "give NamespaceName, NamespaceId and NamespaceArn (from `aws servicediscovery get-namespace`)")
		c.Check()
	}
	checkExistingName(c, attrs.NamespaceName)
	c.Check()
	n := &Namespace{Construct: constructs.NewConstruct(scope, id)}
	n.useExisting(awsservicediscovery.HttpNamespace_FromHttpNamespaceAttributes(n.Construct, jsii.String("Imported"), attrs))
	return n
}

// checkExistingName checks the name an existing namespace is discovered by.
func checkExistingName(c *propcheck.Collector, name *string) {
	switch {
	case name == nil || *name == "":
		c.Add("NamespaceProps.Existing.NamespaceName", name, "import the namespace with HttpNamespace_FromHttpNamespaceAttributes giving its HttpName")
	case !token.Unresolved(name):
		check(c, "NamespaceProps.Existing.NamespaceName", name, namespaceNameFix(*name))
	}
}

func (n *Namespace) useExisting(ns awsservicediscovery.IHttpNamespace) {
	n.HttpNamespace = ns
	n.name = *ns.NamespaceName()
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
