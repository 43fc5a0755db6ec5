// Package provisioned runs the provisioned-concurrency example in the local
// cloud: `cdk deploy` of LiftProvisioned to moto, what the deploy created
// read back through the AWS APIs, then the deployed code under the Lambda
// Runtime Interface Emulator, once as a provisioned-concurrency environment
// (initialized ahead of time: its first request is no cold start) and once as
// an on-demand one (its first request is).
//
// moto skips the "live" alias, its provisioned concurrency and the
// Application Auto Scaling target, schedule and policy; the example's own
// tests (examples/provisioned) assert those in the template.
package provisioned
