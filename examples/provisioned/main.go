// Command provisioned is Lift's provisioned-concurrency example: one stack,
// LiftProvisioned, with a Go function whose "live" alias keeps provisioned
// environments: 1 at night, 10 to 20 on weekdays 08:00-20:00 New York time,
// scaled by target tracking on the Maximum of ProvisionedConcurrencyUtilization.
//
// Synthesize it from the repository root (the handler entry is relative to
// where `cdk synth` runs; the root cdk.json supplies the feature flags):
//
//	npx cdk synth --app "go run ./examples/provisioned"
//
// Context:
//
//	lift:architecture  arm64 (default) or x86_64.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		fmt.Fprintln(os.Stderr, "provisioned:", err)
		os.Exit(1)
	}
	NewProvisionedStack(app, StackName, &ProvisionedExampleProps{
		StackProps: awscdk.StackProps{
			Env:         gofunction.EnvironmentFromCLI(),
			Description: jsii.String("Lift provisioned-concurrency example: a Go function with scheduled, Maximum-tracked provisioned concurrency"),
		},
		Architecture: arch,
		HandlerEntry: DefaultHandlerEntry,
	})
	app.Synth(nil)
}
