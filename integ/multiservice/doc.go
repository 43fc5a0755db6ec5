// Package multiservice runs the multiservice example in the local cloud:
// `cdk deploy` of LiftMultiService to moto, what the deploy created read back
// through the AWS APIs, then orders (A) really calling inventory (B) through
// Cloud Map discovery under two Lambda Runtime Interface Emulators.
//
// moto's CloudFormation, as Lift extends it (internal/localsvc/motocfn),
// creates the Cloud Map namespace, services and instances in moto's Cloud Map,
// so runtime/discovery reads exactly what the deploy registered. inventory's
// ElastiCache Serverless cache is stood in by a local valkey-server with TLS
// in cluster mode: the deployed endpoint resolves to it; auth is off (no
// local server checks ElastiCache IAM tokens) and the handler trusts its CA.
// Each function runs its deployed code with its deployed environment. A tiny
// router on 127.0.0.1 stands in for the Lambda Invoke API
// (testsvc.LambdaRouter): it forwards /2015-03-31/functions/<qualified
// ARN>/invocations to inventory's emulator and records what was asked for.
// The alarms, aliases and the warmer's schedule are created too and read back;
// the deployed warmer is replayed with its schedule's input.
package multiservice
