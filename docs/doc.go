// Package docs holds Lift's documentation (the *.md files in this directory)
// and the tests that keep it true: the code snippets of runtime.md are the
// Example functions of runtime_example_test.go, compiled and run by
// `go test ./docs/...`, and contract_test.go fails when a name or value of
// internal/contract is missing from contract.md.
package docs
