package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/cmd/lift/internal/scaffold"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/localsvc"
)

// unreleased is the version a go.mod requires when a replace directive
// points the module at a local checkout.
const unreleased = "v0.0.0-00010101000000-000000000000"

func newNewCmd(s *streams) *cobra.Command {
	var module, dir, liftDir string
	c := &cobra.Command{
		Use:   "new NAME",
		Short: "Create a CDK app in Go with one Lift service named NAME",
		Long: `new writes a CDK app a team can start from into ./NAME (or --dir): go.mod,
cdk.json with the current CDK feature flags and lift:architecture, a stack
using service.New with a DynamoDB cache tier, a handler with a warm-up hook, a
health check and a shutdown hook, unit tests, a stack test (golden template,
cfn-lint, cdk-nag), a sample event, a Makefile, a README and a .gitignore.

It then resolves the module's dependencies (go mod tidy) and writes the
stack's golden template, so that go test ./..., cdk synth and cfn-lint pass
right away. --lift points the app at a local Lift checkout (a replace
directive) for an unreleased Lift.`,
		Example: `  lift new shop
  lift new orders --module github.com/acme/orders --dir services/orders
  lift new shop --lift ~/src/lift`,
		Args: exactArgs(1, "the service name"),
		RunE: func(c *cobra.Command, args []string) error {
			d, err := scaffold.NewData(args[0], module)
			if err != nil {
				return usage("%v", err)
			}
			if dir == "" {
				dir = d.Name
			}
			if liftDir != "" {
				abs, err := filepath.Abs(liftDir)
				if err != nil {
					return err
				}
				if mod, err := localsvc.ModulePathOf(filepath.Join(abs, "go.mod")); err != nil || mod != localsvc.ModulePath {
					return usage("--lift %s: not a Lift checkout (want a go.mod declaring %s)", liftDir, localsvc.ModulePath)
				}
				d.LiftReplace, d.LiftVersion = abs, unreleased
			}
			return runNew(c.Context(), s, dir, d)
		},
	}
	c.Flags().StringVar(&module, "module", "", "Go module path (default: NAME)")
	c.Flags().StringVar(&dir, "dir", "", "folder to create (default: ./NAME); must be empty or absent")
	c.Flags().StringVar(&liftDir, "lift", "", "a local Lift checkout to use instead of a released Lift (go.mod replace)")
	_ = c.MarkFlagDirname("dir")
	_ = c.MarkFlagDirname("lift")
	return c
}

func runNew(ctx context.Context, s *streams, dir string, d scaffold.Data) error {
	p := newProgress(s.errOut)
	goVersion, err := goEnv(ctx, "GOVERSION")
	if err != nil {
		return err
	}
	d.GoVersion = strings.TrimPrefix(goVersion, "go")
	if d.LiftVersion == "" {
		d.LiftVersion = releasedLift()
	}
	var files []string
	if err := p.step("write the app", func() (err error) { files, err = scaffold.Write(dir, d); return err }); err != nil {
		return err
	}
	goCmd := func(args ...string) func() error {
		return func() error {
			cmd := exec.CommandContext(ctx, "go", args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "LIFT_UPDATE_GOLDEN=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), dir, err, localcloud.Tail(string(out), 30))
			}
			return nil
		}
	}
	if d.LiftVersion == "latest" {
		if err := p.step("go get github.com/liftcdk/lift@latest", goCmd("get", "github.com/liftcdk/lift@latest")); err != nil {
			return err
		}
	}
	if err := p.step("go mod tidy (resolve the app's dependencies)", goCmd("mod", "tidy")); err != nil {
		return err
	}
	if err := p.step("write the golden template (go test -run TestStack)", goCmd("test", "-count=1", "-run", "TestStack", ".")); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "created %s (module %s, stack %s, service %s):\n", dir, d.Module, d.Stack, d.Name)
	for _, f := range files {
		fmt.Fprintf(s.out, "  %s\n", f)
	}
	fmt.Fprintf(s.out, "  testdata/%s.template.json\n\nnext:\n  cd %s\n  go test ./...\n  lift local up\n  lift invoke %s --event events/hello.json\n", d.Stack, dir, d.Name)
	return nil
}

// releasedLift is the Lift version to require without --lift: this binary's
// own when `go install ...@version` recorded one, else the latest release.
func releasedLift() string {
	if v := currentVersion().Version; strings.HasPrefix(v, "v") {
		return v
	}
	return "latest"
}

func goEnv(ctx context.Context, name string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w (is Go installed? see lift doctor)", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}
