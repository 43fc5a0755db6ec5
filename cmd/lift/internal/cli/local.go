package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/cmd/lift/internal/local"
)

func newLocalCmd(s *streams) *cobra.Command {
	c := &cobra.Command{
		Use:   "local",
		Short: "Run the app's stacks in a local cloud: moto, the Lambda emulator, local discovery",
		Example: `  lift local up
  lift local up --stack Shop --json
  lift local down`,
	}
	c.AddCommand(newLocalUpCmd(s), newLocalDownCmd(s), newLocalServeRouterCmd())
	return c
}

func newLocalUpCmd(s *streams) *cobra.Command {
	var o local.Options
	var asJSON bool
	c := &cobra.Command{
		Use:   "up",
		Short: "Deploy the app to a local cloud and run each Lift function under the Lambda emulator",
		Long: `up runs in a CDK app's folder (its cdk.json). It starts moto as the local AWS
endpoint (with Lift's CloudFormation additions for Cloud Map and ElastiCache),
valkey-server to stand in for ElastiCache when it is installed, runs cdk
bootstrap and cdk deploy (all stacks, or --stack) against it with
lift:architecture set to this machine's, then starts every Lift function of the
stacks under the Lambda Runtime Interface Emulator with its deployed
environment. A local Lambda endpoint serves Invoke for every function (by name
or ARN, plain or with the live alias), so Cloud Map discovery between the
app's services reaches the local functions.

Everything runs in the background on 127.0.0.1; the pids, ports, endpoints
and logs are kept in .lift/local. up is idempotent: when the local cloud is
already up it prints it again. lift local down stops it.

Prints one line per function: SERVICE (a service's jobs worker as
SERVICE/worker), STACK and its invoke URL (POST an event to it), then the
Lambda and AWS endpoints.`,
		Example: `  lift local up
  lift local up --stack Shop
  lift local up --app "go run ./examples/multiservice" --json
  curl -s -d @events/hello.json $(lift local up --json | jq -r '.functions[0].url')`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			o.App = dir
			if o.Self, err = os.Executable(); err != nil {
				return err
			}
			p := newProgress(s.errOut)
			o.Step = p.step
			st, already, err := local.Up(c.Context(), o)
			if err != nil {
				return err
			}
			if already {
				fmt.Fprintln(s.errOut, "the local cloud is already up (lift local down stops it)")
			}
			if asJSON {
				return writeJSON(s.out, st)
			}
			printLocal(s, st)
			return nil
		},
	}
	c.Flags().StringSliceVar(&o.Stacks, "stack", nil, "stack to deploy (repeat or comma-separate; default: all stacks)")
	c.Flags().StringVar(&o.AppCommand, "app", "", "cdk --app: another app command or a synthesized cloud assembly (default: cdk.json's app)")
	c.Flags().BoolVar(&o.Keep, "keep", false, "when up fails, leave what it started running for a look (lift local down removes it)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the state as JSON")
	return c
}

func printLocal(s *streams, st *local.State) {
	w := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tSTACK\tINVOKE URL")
	for _, f := range st.Funcs {
		fmt.Fprintf(w, "%s\t%s\t%s\n", f.Service, f.Stack, f.URL)
	}
	w.Flush()
	fmt.Fprintf(s.out, "\nlambda endpoint  %s  (AWS_ENDPOINT_URL_LAMBDA; lift invoke SERVICE uses it)\n", st.Lambda)
	fmt.Fprintf(s.out, "aws endpoint     %s  (AWS_ENDPOINT_URL; credentials test/test, us-east-1)\n", st.AWS)
	fmt.Fprintf(s.out, "state and logs   %s\n", filepath.Join(st.App, local.Dir))
}

func newLocalDownCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "down",
		Short: "Stop exactly what lift local up started (by pid) and remove its state",
		Long: `down reads .lift/local/state.json, stops each process it names (the local
Lambda endpoint, the emulators with SIGTERM so shutdown hooks run, valkey,
moto), checking each pid's start time so that no other process is touched,
and removes .lift/local. Without a local cloud it exits 3.`,
		Example: "  lift local down",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			st, err := local.Load(dir)
			if err != nil {
				return err
			}
			p := newProgress(s.errOut)
			if err := p.step("stop the local cloud", func() error { return local.Down(dir) }); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "stopped %d processes; removed %s\n", len(st.Procs()), filepath.Join(dir, local.Dir))
			return nil
		},
	}
}

// newLocalServeRouterCmd is what up runs in the background; not for people.
func newLocalServeRouterCmd() *cobra.Command {
	var listen string
	c := &cobra.Command{
		Use:    "serve-router",
		Short:  "Serve the local Lambda endpoint (run by lift local up)",
		Hidden: true,
		Args:   exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			return local.ServeRouter(c.Context(), dir, listen)
		},
	}
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "loopback address to listen on")
	return c
}
