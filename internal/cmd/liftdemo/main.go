// Command liftdemo is `make demo`: it deploys the quickstart to a local cloud
// (moto server) with the real CDK CLI, runs the deployed bootstrap under the
// Lambda Runtime Interface Emulator with the deployed configuration, and
// prints each step: a cold warm-up, a warm request, a health report and the
// shutdown hooks running on SIGTERM. Everything it starts is torn down.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/liftcdk/lift/internal/localcloud"
)

func main() {
	var o localcloud.Options
	flag.StringVar(&o.App, "app", "", "cdk --app: an app command or a synthesized cloud assembly directory (default: cdk.json's app)")
	flag.StringVar(&o.Stack, "stack", localcloud.DefaultStack, "stack to deploy")
	flag.StringVar(&o.Architecture, "arch", localcloud.HostArchitecture(), "lift:architecture context (the host's, so the binary runs here)")
	flag.StringVar(&o.WorkDir, "work", "", "work directory (default: a new temporary directory, removed at the end)")
	flag.BoolVar(&o.KeepWorkDir, "keep", false, "keep the work directory (cdk.out, CLI logs)")
	verbose := flag.Bool("v", false, "print the CLI and function output at the end")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Stdout, o, *verbose))
}

func run(ctx context.Context, w io.Writer, o localcloud.Options, verbose bool) int {
	fmt.Fprintln(w, "Lift demo: deploy the quickstart to a local cloud and run it the Lambda way")
	fmt.Fprintln(w)
	n := 0
	o.Observer = func(e localcloud.Event) {
		switch e.Kind {
		case localcloud.StepStarted:
			n++
			fmt.Fprintf(w, "[%2d] %s ...\n", n, e.Title)
		case localcloud.StepDone:
			for _, l := range e.Lines {
				fmt.Fprintf(w, "     %s\n", l)
			}
			fmt.Fprintf(w, "     ok (%s)\n", round(e.Elapsed))
		case localcloud.StepFailed:
			fmt.Fprintf(w, "     FAILED after %s:\n%v\n", round(e.Elapsed), e.Err)
		}
	}
	start := time.Now()
	rep, err := localcloud.Run(ctx, o)
	if verbose && rep != nil {
		fmt.Fprintf(w, "\n--- cdk deploy output ---\n%s\n--- function output ---\n%s\n", rep.Deploy.Output, rep.FunctionLogs)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Checks:")
	failed := 0
	for _, c := range rep.Checks() {
		mark := "PASS"
		if !c.OK {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(w, "  %s  %-45s %s\n", mark, c.Name, c.Detail)
	}
	fmt.Fprintln(w)
	if err != nil || failed > 0 {
		fmt.Fprintf(w, "demo FAILED in %s (%d failed checks): %v\n", round(time.Since(start)), failed, err)
		return 1
	}
	fmt.Fprintf(w, "demo passed in %s\n", round(time.Since(start)))
	return 0
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(100 * time.Millisecond)
}
