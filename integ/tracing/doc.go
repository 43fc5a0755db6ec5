// Package tracing runs two Lift services as separate processes in local mode
// (testdata/caller and testdata/callee), the caller finding the callee in
// Cloud Map (moto) and calling it with discovery.Call through the Lambda
// Invoke API, both with LIFT_TRACING=stdout, and checks that the request is
// one trace across both and that both services' log lines carry its id.
package tracing
