// Package token tells literal prop values from CDK tokens, which are only
// known at deploy time and so cannot be validated at synth.
package token

import "github.com/aws/aws-cdk-go/awscdk/v2"

// Unresolved reports whether v is (or holds) an unresolved CDK token: a
// string, number or list whose value CloudFormation supplies.
func Unresolved(v any) bool {
	b := awscdk.Token_IsUnresolved(v)
	return b != nil && *b
}
