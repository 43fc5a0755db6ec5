// Command quickstart is Lift's quickstart CDK app: one stack, LiftQuickstart,
// with one Go function built from ./handler. `cdk synth` at the repository
// root runs it (see cdk.json).
//
// Context:
//
//	lift:architecture  arm64 (default) or x86_64; x86_64 lets the local demo
//	                   run the deployed binary under the emulator on amd64.
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
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	NewQuickstartStack(app, StackName, &QuickstartProps{
		// The account and region the CLI resolved from the credentials (moto's
		// in the local demo); unset, the stack is environment-agnostic.
		StackProps:   awscdk.StackProps{Env: gofunction.EnvironmentFromCLI()},
		Architecture: arch,
		HandlerEntry: DefaultHandlerEntry,
	})
	app.Synth(nil)
}
