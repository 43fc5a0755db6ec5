package gofunction

import (
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// EnvironmentFromCLI is the stack environment the cdk CLI resolved for the
// app: CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION, as CDK's docs recommend.
// An unset or empty variable leaves that half environment-agnostic (nil, not
// the empty string synthesis rejects), so an app synthesizes without
// credentials and deploys to the CLI's account and region with them.
func EnvironmentFromCLI() *awscdk.Environment {
	return &awscdk.Environment{Account: nonEmpty("CDK_DEFAULT_ACCOUNT"), Region: nonEmpty("CDK_DEFAULT_REGION")}
}

// nonEmpty is the variable's value, or nil when it is unset or empty.
func nonEmpty(name string) *string {
	if v := os.Getenv(name); v != "" {
		return jsii.String(v)
	}
	return nil
}
