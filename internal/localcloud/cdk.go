package localcloud

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/localsvc"
)

// CDK runs the pinned CDK CLI against moto, with a HOME of its own (so
// its ~/.cdk cache and any ~/.aws files of the host play no part) and the Go
// caches of the caller (so the app's `go run` stays warm).
type CDK struct {
	bin     string
	env     []string
	timeout time.Duration
	logDir  string
}

func NewCDK(ctx context.Context, root, work string, moto *localsvc.Moto, timeout time.Duration) (*CDK, error) {
	bin, err := localsvc.LookTool(root, "cdk")
	if err != nil {
		return nil, err
	}
	goEnv, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE", "GOCACHE", "GOPATH").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	vals := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	if len(vals) != 3 {
		return nil, fmt.Errorf("go env GOMODCACHE GOCACHE GOPATH printed %q", goEnv)
	}
	home := filepath.Join(work, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "CDK_") || k == "HOME" || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HOME="+home,
		"GOMODCACHE="+vals[0], "GOCACHE="+vals[1], "GOPATH="+vals[2],
		// The pinned Node 22 runs the CLI; the pinned tools come first.
		"PATH="+filepath.Join(root, "node_modules", ".bin")+string(os.PathListSeparator)+
			filepath.Join(root, ".tools", "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		// localhost, not 127.0.0.1: moto reads the template URL's host as a bucket otherwise.
		"AWS_ENDPOINT_URL="+moto.LocalhostURL(),
		"AWS_ACCESS_KEY_ID="+accessKey,
		"AWS_SECRET_ACCESS_KEY="+localsvc.MotoSecretKey,
		"AWS_REGION="+localsvc.MotoRegion,
		"AWS_DEFAULT_REGION="+localsvc.MotoRegion,
		"AWS_EC2_METADATA_DISABLED=true",
		"CDK_DISABLE_VERSION_CHECK=true",
		"CI=true",
	)
	return &CDK{bin: bin, env: env, timeout: timeout, logDir: work}, nil
}

// Run runs `cdk args...` in dir and returns its combined output; a failure
// carries the output.
func (c *CDK) Run(ctx context.Context, dir, logName string, args ...string) (Command, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = dir
	cmd.Env = c.env
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	res := Command{Args: append([]string{"cdk"}, args...), Duration: time.Since(start), Output: out.String()}
	_ = os.WriteFile(filepath.Join(c.logDir, logName), out.Bytes(), 0o600)
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s: timed out after %s\n%s", strings.Join(res.Args, " "), c.timeout, Tail(res.Output, 40))
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w\n%s", strings.Join(res.Args, " "), err, Tail(res.Output, 40))
	}
	return res, nil
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
