package elasticache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/testsvc"
)

const (
	stackName    = "LiftElastiCache"
	exampleApp   = "go run ./examples/elasticache"
	archContext  = "lift:architecture"
	synthTimeout = 10 * time.Minute
)

// function is the example's Lambda function as the cloud assembly has it.
type function struct {
	LogicalID string
	Bootstrap string            // the binary synth built, inside the assembly
	Env       map[string]string // literal variables only
	Computed  map[string]any    // variables whose value is an intrinsic (resolved at deploy)
	MemoryMB  int
	Timeout   time.Duration
}

// synthFunction runs the pinned CDK CLI on the example from the repository
// root (whose cdk.json holds the feature flags), for the host's architecture
// so the bootstrap runs here, and returns its one function.
func synthFunction(t *testing.T) function {
	t.Helper()
	arch := map[string]string{"amd64": "x86_64", "arm64": "arm64"}[runtime.GOARCH]
	if arch == "" {
		t.Fatalf("Lambda has no %s architecture: run this test on amd64 or arm64", runtime.GOARCH)
	}
	root := testsvc.Root(t)
	cdk := testsvc.Tool(t, "cdk")
	out := filepath.Join(t.TempDir(), "cdk.out")
	home := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), synthTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cdk, "synth", "--app", exampleApp, "-c", archContext+"="+arch,
		"-o", out, "--quiet", "--asset-metadata", "true")
	cmd.Dir = root
	cmd.Env = synthEnv(t, root, home)
	cmd.WaitDelay = 5 * time.Second
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("cdk synth --app %q: %v (after %s)\n%s", exampleApp, err, time.Since(start).Round(time.Millisecond), log.String())
	}
	t.Logf("cdk synth --app %q -c %s=%s: %s", exampleApp, archContext, arch, time.Since(start).Round(time.Millisecond))
	return readFunction(t, out)
}

// synthEnv is the caller's environment without AWS or CDK settings (the
// stack stays environment-agnostic and no credentials are looked up), with a
// HOME of its own (no ~/.aws, no ~/.cdk cache), the caller's Go caches (so
// the app's `go run` and the handler build stay warm) and the pinned tools
// first on PATH.
func synthEnv(t *testing.T, root, home string) []string {
	t.Helper()
	goEnv, err := exec.Command("go", "env", "GOMODCACHE", "GOCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	vals := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	if len(vals) != 3 {
		t.Fatalf("go env GOMODCACHE GOCACHE GOPATH printed %q", goEnv)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "CDK_") || k == "HOME" || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	sep := string(os.PathListSeparator)
	return append(env,
		"HOME="+home,
		"GOMODCACHE="+vals[0], "GOCACHE="+vals[1], "GOPATH="+vals[2],
		"PATH="+filepath.Join(root, "node_modules", ".bin")+sep+filepath.Join(root, ".tools", "bin")+sep+os.Getenv("PATH"),
		"AWS_EC2_METADATA_DISABLED=true",
		"CDK_DISABLE_VERSION_CHECK=true",
		"CI=true",
		// Only the function's code and environment matter here; the example's
		// own test runs cfn-lint and cdk-nag on the template.
		"CDK_VALIDATION=false",
	)
}

// cloudAssembly is the part of cdk.out this test reads.
type cloudAssembly struct {
	Artifacts map[string]struct {
		Type       string `json:"type"`
		Properties struct {
			TemplateFile string `json:"templateFile"`
		} `json:"properties"`
	} `json:"artifacts"`
}

type template struct {
	Resources map[string]struct {
		Type       string         `json:"Type"`
		Metadata   map[string]any `json:"Metadata"`
		Properties struct {
			MemorySize  float64 `json:"MemorySize"`
			Timeout     float64 `json:"Timeout"`
			Environment struct {
				Variables map[string]any `json:"Variables"`
			} `json:"Environment"`
		} `json:"Properties"`
	} `json:"Resources"`
}

// readFunction finds the stack's template through the assembly manifest, its
// only AWS::Lambda::Function, and that function's code through the
// aws:asset:path metadata the CLI writes.
func readFunction(t *testing.T, assembly string) function {
	t.Helper()
	var ca cloudAssembly
	readJSON(t, filepath.Join(assembly, "manifest.json"), &ca)
	art, ok := ca.Artifacts[stackName]
	if !ok || art.Type != "aws:cloudformation:stack" || art.Properties.TemplateFile == "" {
		t.Fatalf("cloud assembly %s has no stack artifact %s", assembly, stackName)
	}
	var tpl template
	readJSON(t, filepath.Join(assembly, art.Properties.TemplateFile), &tpl)
	var fns []string
	for id, r := range tpl.Resources {
		if r.Type == "AWS::Lambda::Function" {
			fns = append(fns, id)
		}
	}
	if len(fns) != 1 {
		t.Fatalf("%s declares functions %v: this test expects exactly one (the example's Api)", stackName, fns)
	}
	r := tpl.Resources[fns[0]]
	asset, _ := r.Metadata["aws:asset:path"].(string)
	if asset == "" {
		t.Fatalf("function %s has no aws:asset:path metadata: cannot find the binary synth built", fns[0])
	}
	fn := function{
		LogicalID: fns[0],
		Bootstrap: filepath.Join(assembly, asset, "bootstrap"),
		Env:       map[string]string{},
		Computed:  map[string]any{},
		MemoryMB:  int(r.Properties.MemorySize),
		Timeout:   time.Duration(r.Properties.Timeout) * time.Second,
	}
	if fi, err := os.Stat(fn.Bootstrap); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("function %s: no executable bootstrap in its asset %s: %v", fns[0], asset, err)
	}
	for k, v := range r.Properties.Environment.Variables {
		if s, ok := v.(string); ok {
			fn.Env[k] = s
		} else {
			fn.Computed[k] = v
		}
	}
	return fn
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read cloud assembly: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

// String is a one-line summary for the test log.
func (f function) String() string {
	return fmt.Sprintf("%s (%d MB, %s) %s", f.LogicalID, f.MemoryMB, f.Timeout, f.Bootstrap)
}
