// Package elasticache deploys the ElastiCache example (examples/elasticache)
// into the local cloud with the real CDK CLI (`cdk deploy`, for the host's
// architecture) and checks what the deploy produced, read back through the
// AWS APIs: the stack and each resource it declares, the function's runtime,
// architecture, environment and VPC configuration (Lambda), the ElastiCache
// users with the function's one authenticated by IAM (ElastiCache), and the
// VPC, subnets and security groups, the cache's admitting only the function
// on the cache port (EC2).
//
// It then runs the deployed bootstrap as two instances under the Lambda
// Runtime Interface Emulator with the deployed environment and stops the
// cache server mid-run: every invocation must still succeed (the Valkey tier
// fails open to the loader), the outage must show up as
// CacheErrors{Tier=valkey} in the function's EMF output without flooding its
// logs, and the tier must be used again once the server is back.
//
// The serverless cache's endpoint, as the deploy resolves it into the
// function's LIFT_CACHE_ENDPOINT, is the local cloud's stand-in: a TLS,
// single-node cluster valkey-server on loopback, the shape of ElastiCache
// Serverless. Only what that server cannot be is replaced when the function
// runs: IAM authentication (LIFT_CACHE_AUTH=none) and the CA it trusts.
package elasticache
