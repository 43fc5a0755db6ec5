package docs_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

// Example_readme is the README's Quick start snippet. Compiled, not run:
// synthesis builds the handlers and needs the CDK's Node.
func Example_readme() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)

	service.New(stack, jsii.String("Orders"), &service.Props{
		Function: &gofunction.Props{Entry: jsii.String("path/to/handler")},
	})
	gofunction.New(stack, jsii.String("Report"), &gofunction.Props{Entry: jsii.String("path/to/report")})

	app.Synth(nil)
}
