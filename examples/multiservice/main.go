// Command multiservice is Lift's multi-service CDK app: one stack,
// LiftMultiService, with two Go services in one Cloud Map namespace. orders
// finds inventory through discovery (runtime/discovery) and invokes its
// "live" alias; nothing holds a hard-coded ARN. inventory caches stock levels
// in a serverless Valkey cache in a VPC; alarms of both go to one SNS topic.
//
// Synthesize from the repository root (handler entries are relative to it):
//
//	cdk synth --app 'go run ./examples/multiservice' [-c lift:architecture=x86_64]
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
	"github.com/liftcdk/lift/examples/multiservice/stack"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiservice:", err)
		os.Exit(1)
	}
	stack.NewMultiServiceStack(app, stack.StackName, &stack.MultiServiceProps{
		StackProps: awscdk.StackProps{
			Env:         gofunction.EnvironmentFromCLI(),
			Description: jsii.String("Lift multiservice: orders calls inventory through Cloud Map discovery; inventory caches in Valkey"),
		},
		Architecture: arch,
	})
	app.Synth(nil)
}
