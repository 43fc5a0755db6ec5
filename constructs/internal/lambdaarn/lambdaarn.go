// Package lambdaarn builds the qualified ARN that invokes an alias or a
// version, for IAM resources, schedule inputs and Cloud Map attributes.
package lambdaarn

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// Qualified returns "<function ARN>:<alias name>" for an alias and the
// version's ARN for a version; nil for an unqualified function.
//
// An alias's ARN is built from its function's ARN rather than taken from the
// alias resource (a Ref): it is the same string on AWS, and it does not make
// the policy or input depend on the alias resource, which some local
// CloudFormation implementations (moto) do not create.
func Qualified(target awslambda.IFunction) *string {
	switch t := target.(type) {
	case awslambda.IAlias:
		return jsii.String(*t.Version().Lambda().FunctionArn() + ":" + *t.AliasName())
	case awslambda.IVersion:
		return t.FunctionArn()
	}
	return nil
}
