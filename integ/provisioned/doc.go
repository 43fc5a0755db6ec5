// Package provisioned runs the provisioned-concurrency example in the local
// cloud: `cdk deploy` of LiftProvisioned to moto, what the deploy created
// read back through the AWS APIs, then the deployed code under the Lambda
// Runtime Interface Emulator, once as a provisioned-concurrency environment
// (initialized ahead of time: its first request is no cold start) and once as
// an on-demand one (its first request is).
//
// The "live" alias and the Application Auto Scaling target on it, with its
// scheduled actions and target-tracking policy, are created (Lift's
// motocfn.py) and read back; moto has no provisioned concurrency, which the
// example's own tests (examples/provisioned) and this test assert in the
// template.
package provisioned
