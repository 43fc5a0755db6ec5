package localsvc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// HandlerBuildFlags are the `go build` flags constructs/gofunction uses for a
// Lambda asset, repeated here because these helpers must not link the CDK.
var HandlerBuildFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w", "-buildvcs=false"}

// BuildHandler builds the main package pkg (relative to root, such as
// "./examples/quickstart/handler", or an import path) for Linux on the host's
// architecture with gofunction's flags and CGO off, into outDir/bootstrap.
func BuildHandler(ctx context.Context, root, pkg, outDir string) (string, error) {
	out := filepath.Join(outDir, "bootstrap")
	args := append([]string{"build"}, HandlerBuildFlags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return out, nil
}
