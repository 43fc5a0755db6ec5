package cachetier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// nagRule is one cdk-nag finding this package deliberately accepts, with the
// reason a reviewer reads in the nag report.
type nagRule struct {
	ID     string
	Reason string
}

// suppressNag records cdk-nag suppressions on c's CloudFormation resource in
// the metadata format cdk-nag reads (Metadata.cdk_nag.rules_to_suppress), so
// this library does not load cdk-nag's jsii module for its users. Existing
// suppressions on the resource are kept.
func suppressNag(c constructs.IConstruct, rules ...nagRule) {
	res, ok := cfnResource(c)
	if !ok {
		return
	}
	var list []any
	if existing, ok := res.GetMetadata(jsii.String("cdk_nag")).(map[string]any); ok {
		if prior, ok := existing["rules_to_suppress"].([]any); ok {
			list = append(list, prior...)
		}
	}
	for _, r := range rules {
		list = append(list, map[string]any{"id": r.ID, "reason": r.Reason})
	}
	res.AddMetadata(jsii.String("cdk_nag"), map[string]any{"rules_to_suppress": list})
}

// cfnResource finds the CfnResource behind c: c itself or its default child.
func cfnResource(c constructs.IConstruct) (awscdk.CfnResource, bool) {
	if res, ok := c.(awscdk.CfnResource); ok {
		return res, true
	}
	res, ok := c.Node().DefaultChild().(awscdk.CfnResource)
	return res, ok
}
