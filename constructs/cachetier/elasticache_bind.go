package cachetier

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// Bind lets fn use the cache. fn must be in the cache's VPC. It sets
//
//	LIFT_CACHE_KIND       = valkey
//	LIFT_CACHE_ENDPOINT   = host:port of the write endpoint
//	LIFT_CACHE_CLUSTER    = true for serverless or cluster mode, else false
//	LIFT_CACHE_TLS        = true (always)
//	LIFT_CACHE_AUTH       = iam or password
//	LIFT_CACHE_USER       = the application user's id (== its name)
//	LIFT_CACHE_NAME       = the serverless cache name or replication group id
//	LIFT_CACHE_SERVERLESS = true or false
//	LIFT_CACHE_TIMEOUT    = the per-call timeout
//	LIFT_CACHE_PASSWORD_SECRET_ARN = the secret's ARN (password auth only)
//
// grants elasticache:Connect on the cache and the user (IAM auth) or
// secretsmanager:GetSecretValue on the tier's secret (password auth; its key
// is aws/secretsmanager, so no KMS grant is needed), and allows the cache
// port(s) into the cache's security group from fn's security groups (plus
// 443 into the Secrets Manager endpoint the tier created, if any).
//
// Bind takes awslambda.Function rather than IFunction because an imported
// function cannot have its environment set. Binding fn to another tier, or
// a function outside the cache's VPC or without a role, panics with an error
// wrapping ErrInvalidProps; binding it to this tier again does nothing.
func (e *ElastiCache) Bind(fn awslambda.Function) {
	c := propcheck.New(ErrInvalidProps, path(e))
	if fn == nil {
		c.Add("Bind(fn)", fn, "pass the awslambda.Function that reads the cache (e.g. from gofunction.New)")
		c.Check()
	}
	if fn.Role() == nil {
		c.AddAt(path(fn), "Role", propcheck.Literal("none"), "Bind cannot grant access to cache %s without an execution role: create the function with a role (the default)", e.name)
	}
	e.checkSameVpc(c, fn)
	c.Check()
	if claim(e, e.Kind(), fn) {
		return
	}

	setEnv(fn, e.env())
	switch e.auth {
	case AuthIAM:
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("LiftCacheConnect"),
			Actions:   jsii.Strings("elasticache:Connect"),
			Resources: &[]*string{e.arn, e.user.AttrArn()},
		}))
	case AuthPassword:
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("LiftCachePassword"),
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: &[]*string{e.secret.SecretArn()},
		}))
		if e.secretsEndpoint != nil {
			e.secretsEndpoint.Connections().AllowDefaultPortFrom(fn, jsii.String("Lift cache: "+path(fn)+" reads the cache password"))
		}
	}
	e.connections.AllowDefaultPortFrom(fn, jsii.String(fmt.Sprintf("Lift cache: %s to %s", path(fn), e.name)))
}

// env is the LIFT_CACHE_* environment of a bound function.
func (e *ElastiCache) env() [][2]*string {
	env := [][2]*string{
		pair(contract.EnvCacheKind, jsii.String(contract.CacheKindValkey)),
		pair(contract.EnvCacheEndpoint, e.endpoint),
		pair(contract.EnvCacheCluster, jsii.String(strconv.FormatBool(e.cluster))),
		pair(contract.EnvCacheTLS, jsii.String("true")),
		pair(contract.EnvCacheAuth, jsii.String(string(e.auth))),
		pair(contract.EnvCacheUser, jsii.String(e.name+appUserSuffix)),
		pair(contract.EnvCacheName, jsii.String(e.name)),
		pair(contract.EnvCacheServerless, jsii.String(strconv.FormatBool(e.serverless))),
		pair(contract.EnvCacheTimeout, jsii.String(e.timeout)),
	}
	if e.auth == AuthPassword {
		env = append(env, pair(contract.EnvCachePasswordSecretARN, e.secret.SecretArn()))
	}
	return env
}
