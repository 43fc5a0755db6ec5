package docs_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cloudmap"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/service"
)

// Example_services is the snippet of constructs.md (section service). It is
// compiled, not run: synthesis builds the handlers and needs the CDK's Node.
func Example_services() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)

	ns := cloudmap.NewNamespace(stack, jsii.String("Namespace"), &cloudmap.NamespaceProps{Name: jsii.String("shop")})
	inventory := service.New(stack, jsii.String("inventory"), &service.Props{
		Function:      &gofunction.Props{Entry: jsii.String("services/inventory")},
		DynamoDBCache: &cachetier.DynamoDBProps{},
		Namespace:     ns,
	})
	orders := service.New(stack, jsii.String("orders"), &service.Props{
		Function:  &gofunction.Props{Entry: jsii.String("services/orders")},
		Namespace: ns,
		Prewarm:   &service.PrewarmProps{Concurrency: jsii.Number(3)},
	})
	orders.Connect(inventory)

	app.Synth(nil)
}

// Example_frontDoor is the snippet of constructs.md (section frontdoor),
// compiled, not run.
func Example_frontDoor() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)

	fn := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{Entry: jsii.String("services/api")})
	live := awslambda.NewAlias(stack, jsii.String("Live"), &awslambda.AliasProps{
		AliasName: jsii.String("live"), Version: fn.CurrentVersion(),
	})
	door := frontdoor.New(stack, jsii.String("Http"), &frontdoor.Props{
		Target: live,
		Kind:   frontdoor.KindHTTPAPI,
		Auth:   frontdoor.AuthJWT,
		JWT: &frontdoor.JWTProps{
			Issuer:   jsii.String("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example"),
			Audience: jsii.Strings("shop-web"),
		},
		Throttle: &frontdoor.ThrottleProps{RateLimit: jsii.Number(100), BurstLimit: jsii.Number(200)},
	})
	_ = door.URL // also the stack output "HttpUrl"

	app.Synth(nil)
}

// Example_appHelpers is the app-helpers snippet of constructs.md (section gofunction).
func Example_appHelpers() {
	app := awscdk.NewApp(nil)
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		panic(err)
	}
	stack := awscdk.NewStack(app, jsii.String("Shop"), &awscdk.StackProps{Env: gofunction.EnvironmentFromCLI()})
	gofunction.New(stack, jsii.String("Api"), &gofunction.Props{Entry: jsii.String("cmd/api"), Architecture: arch})

	app.Synth(nil)
}
