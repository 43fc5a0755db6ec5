// Package tracing runs two Lift services as separate processes
// (testdata/caller and testdata/callee), the caller finding the callee in
// Cloud Map (moto) and calling it with discovery.Call through the Lambda
// Invoke API, and checks that the request is one trace across both and that
// both services' log lines carry its id: in local mode and under the Lambda
// emulator behind the Lambda router (as lift local up runs them) with
// LIFT_TRACING=stdout, and exporting over OTLP/HTTP to a receiver in the test.
package tracing
