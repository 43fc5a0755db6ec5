// Package dev is `lift dev`: every Lift function of a CDK app built for the
// host and run in local HTTP mode behind a per-service reverse proxy on a
// stable port, rebuilt and swapped without a failed request when its
// sources change, with local discovery between the services, each jobs
// worker fed from its queue on moto, and a live dashboard fed by the
// functions' own EMF lines and JSON logs.
package dev

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/liftcdk/lift/cmd/lift/internal/local"
	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/localsvc"
)

// Function is one Lift function of the app, as dev runs it.
type Function struct {
	// Service is the name dev shows and routes by: the function's
	// LIFT_SERVICE, or SERVICE/worker for a service's jobs worker.
	Service          string
	Stack, LogicalID string
	// Pkg is the import path of its main package, read from the build info
	// of the binary the synth built; Dir is that package's folder.
	Pkg, Dir string
	// Env is its synthesized environment: the variables whose value is a
	// literal. Resolved lists those a deploy would resolve (Ref, GetAtt).
	Env      map[string]string
	Resolved []string
	// TimeoutSeconds and MemoryMB are its Timeout and MemorySize.
	TimeoutSeconds, MemoryMB int
}

// Functions reads the Lift functions (those with LIFT_SERVICE) of the cloud
// assembly, and finds each one's main package in the app folder.
func Functions(ctx context.Context, app, assembly string) ([]Function, error) {
	tfs, err := localcloud.TemplateFunctions(assembly)
	if err != nil {
		return nil, err
	}
	var out []Function
	for _, tf := range tfs {
		svc, _ := tf.Env[contract.EnvService].(string)
		if svc == "" || svc == local.WarmerService {
			continue // not a Lift service; the warmer's schedule does not run locally
		}
		f := Function{Stack: tf.Stack, LogicalID: tf.LogicalID, Env: map[string]string{},
			TimeoutSeconds: tf.TimeoutSeconds, MemoryMB: tf.MemoryMB}
		for k, v := range tf.Env {
			if s, ok := v.(string); ok {
				f.Env[k] = s
			} else {
				f.Resolved = append(f.Resolved, k)
			}
		}
		slices.Sort(f.Resolved)
		f.Service = local.TargetName(f.Env)
		name := f.Service
		bi, err := buildinfo.ReadFile(tf.Asset.Bootstrap)
		if err != nil {
			return nil, fmt.Errorf("service %s: read the build info of %s: %w", svc, tf.Asset.Bootstrap, err)
		}
		f.Pkg = bi.Path
		if f.Dir, err = packageDir(ctx, app, f.Pkg); err != nil {
			return nil, fmt.Errorf("service %s: %w", svc, err)
		}
		if slices.ContainsFunc(out, func(o Function) bool { return o.Service == name }) {
			return nil, fmt.Errorf("two functions are named service %s (%s/%s): lift dev serves each service on one port", name, tf.Stack, tf.LogicalID)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the cloud assembly %s has no Lift function (a Lambda function with %s)", assembly, contract.EnvService)
	}
	return out, nil
}

// liftService is the function's LIFT_SERVICE: its service, worker or not.
func (f Function) liftService() string { return f.Env[contract.EnvService] }

// worker reports whether f is a service's jobs worker.
func (f Function) worker() bool { return f.Env[contract.EnvJobsWorker] == "true" }

// lambdaName is the function's name as Lambda would spell it (no slash).
func (f Function) lambdaName() string { return strings.ReplaceAll(f.Service, "/", "-") }

func packageDir(ctx context.Context, app, pkg string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", pkg)
	cmd.Dir = app
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go list %s: %s", pkg, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("go list %s: %w", pkg, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Synth synthesizes the app in dir (its cdk.json, or appCommand as --app)
// into out with the pinned CDK CLI and returns how long it took.
func Synth(ctx context.Context, dir, appCommand, out string) (time.Duration, error) {
	bin, err := localsvc.LookTool(dir, "cdk")
	if err != nil {
		return 0, err
	}
	args := []string{"synth", "--quiet", "--no-notices", "--no-color", "--output", out,
		// Built for this machine: the synth's binaries are only read for
		// their build info, but a host build is the one already cached.
		"-c", localcloud.ArchitectureContext + "=" + localcloud.HostArchitecture()}
	if appCommand != "" {
		args = append(args, "--app", appCommand)
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CDK_DISABLE_VERSION_CHECK=true", "CI=true",
		"PATH="+filepath.Join(dir, "node_modules", ".bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	if b, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("cdk %s: %w\n%s", strings.Join(args, " "), err, localcloud.Tail(string(b), 40))
	}
	return time.Since(start), nil
}
