// Package integ holds Lift's local-cloud integration tests: real processes
// only (moto server as AWS, the real CDK CLI, the deployed handler under the
// Lambda Runtime Interface Emulator). They share their pipeline with
// `make demo` through internal/localcloud.
package integ
