// Package cli is the lift command: one cobra command per verb, results on
// stdout, progress and errors on stderr, and exit codes that mean something
// (see ExitOK and the others).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes. Scripts can tell a check that failed (1) from a command that
// could not run (3) and from a mistake in the command line (2).
const (
	ExitOK = 0
	// ExitFailed: the command ran and what it checked failed: a missing
	// required tool (doctor), a failing health check, a function error.
	ExitFailed = 1
	// ExitUsage: unknown command or flag, wrong arguments.
	ExitUsage = 2
	// ExitError: the command could not do its work: no local cloud, a
	// deploy that failed, an AWS error, a file that cannot be read.
	ExitError = 3
)

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// failed returns an error that exits with ExitFailed; quiet when the
// command already printed why.
func failed(format string, args ...any) error {
	return &exitError{code: ExitFailed, err: fmt.Errorf(format, args...)}
}

// usage returns an error that exits with ExitUsage.
func usage(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// streams are where a command writes: results to out, progress to errOut.
type streams struct {
	in          io.Reader
	out, errOut io.Writer
}

// Main runs the lift command with args and returns the process exit code.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	s := &streams{in: in, out: out, errOut: errOut}
	root := newRoot(s)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		fmt.Fprintln(errOut, "lift:", ee.err)
		return ee.code
	}
	fmt.Fprintln(errOut, "lift:", err)
	if isUsageError(err) {
		return ExitUsage
	}
	return ExitError
}

func newRoot(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "lift",
		Short: "Build, run and operate Lift services: scaffold, local cloud, invoke, health, logs, bench",
		Long: `lift scaffolds a CDK app in Go with a Lift service, runs its stacks in a local
cloud (moto as the AWS endpoint, each function under the Lambda Runtime
Interface Emulator), and invokes, health-checks, reads the logs of and
load-tests its services, locally or on AWS.

Results go to stdout (--json where a script would read them); progress lines,
with durations for steps longer than a second, go to stderr.

Exit codes:
  0  success
  1  the command ran and what it checked failed (a missing required tool,
     a failing health check, a function error)
  2  usage: unknown command or flag, wrong arguments
  3  the command could not run (no local cloud, deploy or AWS error)`,
		Example: `  lift doctor
  lift new shop && cd shop
  lift local up
  lift invoke shop --event events/hello.json
  lift health
  lift local down`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usage("%v (see %s --help)", err, c.CommandPath()) })
	root.AddCommand(
		newVersionCmd(s),
		newDoctorCmd(s),
		newNewCmd(s),
		newLocalCmd(s),
		newInvokeCmd(s),
		newHealthCmd(s),
		newLogsCmd(s),
		newBenchCmd(s),
		newDevCmd(s),
	)
	return root
}

// isUsageError recognises cobra's own unknown-command error; argument
// errors come from exactArgs and rangeArgs as usage errors already.
func isUsageError(err error) bool { return strings.HasPrefix(err.Error(), "unknown command") }

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usage("%s takes %s, got %d argument(s) (see %s --help)", c.CommandPath(), what, len(args), c.CommandPath())
		}
		return nil
	}
}
