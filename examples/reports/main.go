// Command reports is Lift's reports example: a CDK app with one stack,
// LiftReports, in which POST /reports starts a report job that runs longer
// than an API Gateway request may wait, and GET /reports/{id} follows it.
//
// Synthesize or run it locally from this folder (its cdk.json runs the app):
//
//	cdk synth [-c lift:architecture=x86_64]
//	lift local up
//
// Context:
//
//	lift:architecture  arm64 (default) or x86_64; x86_64 lets the local run
//	                   execute the binaries under the emulator on amd64.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/examples/reports/stack"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reports:", err)
		os.Exit(1)
	}
	stack.NewReportsStack(app, stack.StackName, &stack.ReportsProps{
		// The account and region the CLI resolved from the credentials (moto's
		// in the local cloud); unset, the stack is environment-agnostic.
		StackProps:   awscdk.StackProps{Env: gofunction.EnvironmentFromCLI()},
		Architecture: arch,
	})
	app.Synth(nil)
}
