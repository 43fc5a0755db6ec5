// Command brokenapp is a CDK app with one function whose handler
// (testdata/broken) does not compile: `cdk synth --app 'go run .'` in this
// directory must fail with the compiler's output first.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Broken"), nil)
	gofunction.New(stack, jsii.String("Fn"), &gofunction.Props{Entry: jsii.String("../broken")})
	app.Synth(nil)
}
