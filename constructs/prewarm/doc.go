// Package prewarm keeps Lift functions warm, in one of two ways.
//
//   - A scheduled warmer (NewWarmer, WarmerOf): one warmer function per stack
//     (cmd/lift-warmer, built with gofunction) that an EventBridge Scheduler
//     schedule runs on a rate or on cron windows in a time zone. Each run
//     invokes every target's alias or version with overlapping warm-up events
//     and counts the distinct environments that answered (runtime/warmer). It
//     may invoke only its targets' qualified ARNs.
//   - Provisioned concurrency (NewProvisioned): on an alias ("live" by
//     default), with Application Auto Scaling scheduled windows and target
//     tracking on ProvisionedConcurrencyUtilization using the Maximum
//     statistic (aws-cdk's scaleOnUtilization tracks Average, which
//     under-scales bursts: aws-cdk issue 23088).
//
// A warmer skips targets that have provisioned concurrency unless
// TargetOptions.EvenIfProvisioned asks otherwise. docs/prewarm.md compares the
// cost of both.
//
// Bad props fail the synth: the constructors and AddTarget panic with an error
// wrapping ErrInvalidProps that lists each problem with the construct path,
// the prop, its value and the fix, as every aws-cdk-go construct reports
// synth-time errors.
//
// Each target function defined in the app gets a control token: its SHA-256
// in LIFT_CONTROL_TOKEN_SHA256, the token in the warmer's input (see
// docs/prewarm.md for what it is derived from).
package prewarm
