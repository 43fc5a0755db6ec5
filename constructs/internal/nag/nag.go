// Package nag records cdk-nag suppressions for the findings Lift's constructs
// deliberately accept. It writes the resource metadata cdk-nag reads
// (Metadata.cdk_nag.rules_to_suppress, as cdknag.NagSuppressions writes it),
// so the constructs do not load cdk-nag's jsii module for their users, and a
// user's own NagSuppressions on the same resource add to Lift's.
package nag

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Rule is one accepted cdk-nag finding, with the reason a reviewer reads in
// the nag report. Reasons are plain ASCII: cdk-nag expects base64 (and a flag)
// for any other text.
type Rule struct {
	ID     string
	Reason string
	// AppliesTo narrows the suppression to these findings of the rule (e.g.
	// "Policy::arn:<AWS::Partition>:iam::aws:policy/..."). Empty: every
	// finding of the rule on the resource.
	AppliesTo []string
}

// Suppress adds rules to the suppressions on c's CloudFormation resource (c
// itself or its default child), keeping those already there. c must have one:
// suppressing on anything else is a bug in the caller.
func Suppress(c constructs.IConstruct, rules ...Rule) {
	res, ok := c.(awscdk.CfnResource)
	if !ok {
		if res, ok = c.Node().DefaultChild().(awscdk.CfnResource); !ok {
			panic(fmt.Sprintf("nag: %s has no CloudFormation resource to suppress %v on", *c.Node().Path(), rules))
		}
	}
	var list []any
	if existing, ok := res.GetMetadata(jsii.String("cdk_nag")).(map[string]any); ok {
		if prior, ok := existing["rules_to_suppress"].([]any); ok {
			list = append(list, prior...)
		}
	}
	for _, r := range rules {
		entry := map[string]any{"id": r.ID, "reason": r.Reason}
		if len(r.AppliesTo) > 0 {
			entry["applies_to"] = r.AppliesTo
		}
		list = append(list, entry)
	}
	res.AddMetadata(jsii.String("cdk_nag"), map[string]any{"rules_to_suppress": list})
}
