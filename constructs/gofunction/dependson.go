package gofunction

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// dropRedundantRoleDependency removes the function's DependsOn on its own
// execution role. aws-cdk-lib's Function always adds it, but the function's
// Role is a Fn::GetAtt of that role, which already orders them, so cfn-lint
// warns (W3005) on every template. Every other dependency (the role's
// policies, which nothing else orders) is kept: the list is computed when
// the template is rendered, after all dependencies are known.
func dropRedundantRoleDependency(fn awslambda.Function, role awsiam.IRole) {
	cfn, ok := fn.Node().DefaultChild().(awscdk.CfnResource)
	if !ok || role == nil {
		return
	}
	roleCfn, ok := role.Node().DefaultChild().(awscdk.CfnResource)
	if !ok {
		return // an imported role: no resource in this template to depend on
	}
	cfn.AddOverride(jsii.String("DependsOn"), awscdk.Lazy_List(&dependsOnProducer{fn: cfn, role: *roleCfn.Node().Path()},
		&awscdk.LazyListValueOptions{OmitEmpty: jsii.Bool(true)}))
}

type dependsOnProducer struct {
	fn   awscdk.CfnResource
	role string // construct path of the role's CfnResource
}

func (p *dependsOnProducer) Produce() *[]*string {
	stack := awscdk.Stack_Of(p.fn)
	var ids []*string
	for _, dep := range *p.fn.ObtainDependencies() {
		res, ok := dep.(awscdk.CfnResource)
		if !ok || *res.Node().Path() == p.role {
			continue
		}
		ids = append(ids, stack.GetLogicalId(res)) // CDK turns dependencies across stacks into stack dependencies
	}
	return &ids
}
