// Package bundling builds a Go main package into a Lambda "bootstrap" binary
// with the local Go toolchain (no Docker), and plugs that build into CDK asset
// bundling as an awscdk.ILocalBundling.
//
// The build-and-validate half (entry.go, build.go, scheduler.go) is plain Go
// with no jsii, so it is fast to test; local.go and deferred.go are the CDK
// adapter.
//
// Handlers build in parallel: Schedule starts a function's `go build` in the
// background when the function is defined (at most $LIFT_BUILD_JOBS, default
// GOMAXPROCS, at once; one build per entry and GOARCH per cloud assembly), and
// the code asset is created at synth by an aspect whose bundling only waits
// for that build. CDK's own asset code would bundle inside each
// awslambda.NewFunction call, one handler after another. Builds use the
// default Go build cache (never -a, never a private GOCACHE), so an unchanged
// handler costs a cache lookup and a link.
package bundling
