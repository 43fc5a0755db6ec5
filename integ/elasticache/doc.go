// Package elasticache runs the ElastiCache example's function against a real
// local Valkey and stops the server mid-run: every invocation must still
// succeed (the Valkey tier fails open to the loader), the outage must show up
// as CacheErrors{Tier=valkey} in the function's EMF output without flooding
// its logs, and the tier must be used again once the server is back.
//
// The function is exactly what `cdk deploy` would upload: the real CDK CLI
// synthesizes examples/elasticache for the host's architecture, and the test
// runs the bootstrap from the cloud assembly under the Lambda Runtime
// Interface Emulator with the environment the template gives the function.
// Only what cannot exist locally is replaced: the endpoint (a TLS,
// single-node cluster valkey-server on loopback, the shape of ElastiCache
// Serverless) and IAM authentication.
package elasticache
