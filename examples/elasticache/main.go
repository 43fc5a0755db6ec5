// Command elasticache is Lift's ElastiCache example: one stack,
// LiftElastiCache, with a Go function in a VPC bound to an ElastiCache
// Serverless (Valkey) cache tier with IAM authentication.
//
// Synthesize it from the repository root (the handler entry is relative to
// where `cdk synth` runs; the root cdk.json supplies the feature flags):
//
//	npx cdk synth --app "go run ./examples/elasticache"
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
	if err := run(app); err != nil {
		fmt.Fprintln(os.Stderr, "elasticache:", err)
		os.Exit(1)
	}
	app.Synth(nil)
}

func run(app awscdk.App) error {
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		return err
	}
	_, err = NewElastiCacheStack(app, StackName, &ElastiCacheExampleProps{
		StackProps: awscdk.StackProps{
			Env:         gofunction.EnvironmentFromCLI(),
			Description: jsii.String("Lift ElastiCache example: a Go function in a VPC with a serverless Valkey cache"),
		},
		Architecture: arch,
		HandlerEntry: DefaultHandlerEntry,
	})
	return err
}
