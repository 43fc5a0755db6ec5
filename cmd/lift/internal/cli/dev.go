package cli

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/cmd/lift/internal/dev"
)

func newDevCmd(s *streams) *cobra.Command {
	d := &dev.Dev{}
	c := &cobra.Command{
		Use:   "dev",
		Short: "Run every Lift function of the app locally, rebuilt on save, with a live dashboard",
		Long: `dev runs in a CDK app's folder (its cdk.json). It finds the app's Lift functions
from one synth (or --assembly, a cloud assembly the app already has), builds
each for this machine and runs it in local mode behind its own stable port on
127.0.0.1. A plain HTTP request to a service's port reaches the function as an
HTTP API (payload 2.0) event; a POST to the emulator's invocation path
(/2015-03-31/functions/function/invocations) is passed as is.

On each save of a Go source the function's packages use (tests, testdata,
editor temp files, cdk.out and .lift are ignored), only the affected
functions are rebuilt; the new build is started and warmed, then swapped in
while the old one finishes its requests. A compile error is printed once and
the last good build keeps serving.

Locally, with no setup: the memory cache tier always; a DynamoDB tier on a
moto server and a Valkey tier on a valkey-server that lift dev starts and
stops, when those are installed (the memory tier alone otherwise); Cloud Map
discovery and Lambda Invoke between the app's services resolve to the local
functions. Each function gets a warm-up event at start, as the warmer would
send. A service with jobs (service.Props.Jobs) gets its queue and dead-letter
queue on moto, and its worker runs as SERVICE/worker, fed one job at a time;
a rebuilt worker takes the next job once the running one ends.

Functions run with LIFT_TRACING=stdout unless LIFT_TRACING is set here; the
dashboard's Traces view joins the spans of every service by trace id (also as
JSON: GET /api/traces and /api/traces/{id} on the dashboard's address).

Prints one line per function, SERVICE (or SERVICE/worker) http://127.0.0.1:PORT, then
dashboard http://127.0.0.1:PORT/ (stdout; progress on stderr). Ctrl-C stops
everything it started.`,
		Example: `  lift dev
  lift dev --dashboard 127.0.0.1:4000
  lift dev --app "go run ./examples/multiservice"
  lift dev --assembly cdk.out`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			if _, err := os.Stat("cdk.json"); err != nil && d.AppCommand == "" && d.Assembly == "" {
				return usage("%s has no cdk.json: run lift dev in a CDK app's folder, or pass --app or --assembly", dir)
			}
			d.App, d.Stdout, d.Stderr = dir, s.out, s.errOut
			return d.Run(c.Context())
		},
	}
	f := c.Flags()
	f.StringVar(&d.AppCommand, "app", "", "the app command cdk synth runs (default: cdk.json's app)")
	f.StringVar(&d.Assembly, "assembly", "", "read this cloud assembly instead of synthesizing the app")
	f.StringVar(&d.Addr, "dashboard", "", "the dashboard's address (default: a free port on 127.0.0.1)")
	f.BoolVarP(&d.Verbose, "verbose", "v", false, "print every line the functions write (but spans: see the Traces view)")
	return c
}
