package contract

// Go build settings shared by constructs/gofunction (which bundles handlers for
// Lambda) and by test helpers that build the same handler for the host, so that
// what runs under the emulator is built exactly like what is deployed.

// BootstrapName is the file name of the built handler: provided.al2023 runs it
// as the function's entry point, and it is the Lambda Handler setting.
const BootstrapName = "bootstrap"

// GoBuildFlags returns the `go build` flags for a Lambda handler, without `-o`.
// -trimpath and -buildvcs=false make the binary depend only on the sources and
// the toolchain (not on the checkout path or VCS state), so the same sources
// give the same bytes and the same asset hash. lambda.norpc drops aws-lambda-go's
// legacy net/rpc mode, which provided.al2023 never uses. A fresh slice each call.
func GoBuildFlags() []string {
	return []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w", "-buildvcs=false"}
}

// GoBuildEnv returns the environment entries (KEY=value) that select the
// target of a handler build: GOOS=linux, the given GOARCH (arm64 or amd64), and
// CGO off so the binary is static and needs nothing from the Lambda image.
func GoBuildEnv(goarch string) []string {
	return []string{"GOOS=linux", "GOARCH=" + goarch, "CGO_ENABLED=0"}
}
