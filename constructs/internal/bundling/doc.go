// Package bundling builds a Go main package into a Lambda "bootstrap" binary
// with the local Go toolchain (no Docker), and plugs that build into CDK asset
// bundling as an awscdk.ILocalBundling.
//
// The build-and-validate half (entry.go, build.go) is plain Go with no jsii, so
// it is fast to test; local.go is the thin CDK adapter.
package bundling
