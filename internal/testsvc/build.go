package testsvc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// HandlerBuildFlags are the `go build` flags constructs/gofunction uses for a
// Lambda asset, repeated here because test helpers must not link the CDK.
var HandlerBuildFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w", "-buildvcs=false"}

// BuildHandler builds the main package pkg (a path relative to the module root
// such as "./examples/quickstart/handler", or an import path) for Linux on the
// host's architecture, with gofunction's flags and CGO off, and returns the
// path of the resulting "bootstrap" in a temporary directory.
func BuildHandler(t testing.TB, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := append([]string{"build"}, HandlerBuildFlags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = Root(t)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testsvc: go build %s: %v\n%s", pkg, err, b)
	}
	return out
}
