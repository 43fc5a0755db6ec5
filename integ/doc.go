// Package integ holds Lift's local-cloud integration tests: real processes
// only (moto server as AWS, the real CDK CLI, the deployed handler under the
// Lambda Runtime Interface Emulator). Each example is deployed with
// `cdk deploy` and run from what the deploy produced: the quickstart here,
// through the same pipeline as `make demo` (internal/localcloud.Run), the
// others in the packages below through localcloud.Deploy.
package integ
