// Package localcloud is Lift's local-cloud pipeline, shared by `make demo`
// (internal/cmd/liftdemo) and the integration test (integ/): it starts moto server as a
// local AWS, runs `cdk bootstrap` and `cdk deploy` of a stack into it, reads
// the deployed function back through the AWS APIs, finds the deployed asset's
// bootstrap through the cloud assembly's asset manifest, runs it under the
// Lambda Runtime Interface Emulator with the deployed configuration, sends a
// warm-up, a real request and a health event, delivers SIGTERM and collects
// the shutdown hooks' log lines, then tears everything down.
//
// Run returns a Report with every step's raw results; Checks summarises what
// the pipeline expects of them. Callers must not trust a green deploy alone:
// moto 5.2.1's CloudFormation skips some resource types with only a warning
// (Lambda aliases, schedules, alarms, Cloud Map and ElastiCache types among
// them; internal/localsvc/motocfn teaches it those, see the README's "Local
// cloud"), so the report reads back what moto did create.
package localcloud
