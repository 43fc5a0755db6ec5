// Package bundling builds Go main packages into Lambda "bootstrap" binaries
// with the local Go toolchain (no Docker), and plugs those builds into CDK
// asset bundling as an awscdk.ILocalBundling.
//
// The build half (entry.go, build.go, progress.go, scheduler.go) is plain Go
// with no jsii, so it is fast to test; local.go and deferred.go are the CDK
// adapter.
//
// The handlers of an app build together: Schedule queues a function's build
// when the function is defined, and at synth the first code asset needed
// starts every queued build of the cloud assembly as one `go build -o DIR
// pkg1 pkg2 ...` per module and architecture, so the packages the handlers
// share compile once. Builds use the user's Go build cache (never -a, never
// a private GOCACHE), and the binaries stay in the assembly's lift-build
// directory, so a synth with no source change compiles and links nothing.
package bundling
