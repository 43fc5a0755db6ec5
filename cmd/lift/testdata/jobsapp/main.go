// Command jobsapp is a CDK app for cmd/lift's tests: one service, "tasks",
// with a DynamoDB tier and jobs (service.Props.Jobs), so that it has two
// functions sharing LIFT_SERVICE: its own (./api) and its jobs worker
// (./worker). Each answers and logs its own name.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		panic(err)
	}
	stack := awscdk.NewStack(app, jsii.String("Tasks"), &awscdk.StackProps{Env: gofunction.EnvironmentFromCLI()})
	service.New(stack, jsii.String("Tasks"), &service.Props{
		ServiceName:   jsii.String("tasks"),
		Function:      &gofunction.Props{Entry: jsii.String("api"), Architecture: arch, LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY},
		DynamoDBCache: &cachetier.DynamoDBProps{},
		Jobs: &service.JobsProps{Worker: &gofunction.Props{Entry: jsii.String("worker"), Architecture: arch,
			LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY}},
	})
	app.Synth(nil)
}
