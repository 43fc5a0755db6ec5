package cachetier_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// A DynamoDB cache tier with every default (on-demand, TTL on expiresAt,
// AWS-managed encryption) bound to a function: two lines.
func ExampleNewDynamoDB() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Orders"), nil)
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{Entry: jsii.String("./cmd/api")})

	tier := cachetier.NewDynamoDB(stack, jsii.String("Cache"), nil)
	tier.Bind(api)
}

// A serverless Valkey cache with IAM auth in a VPC it creates; the function
// runs in that VPC and Bind opens only the cache ports to it.
func ExampleNewElastiCache() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Sessions"), nil)

	tier := cachetier.NewElastiCache(stack, jsii.String("Cache"), &cachetier.ElastiCacheProps{
		CreateVpc:  jsii.Bool(true),
		Serverless: &cachetier.ServerlessProps{MaxECPUPerSecond: jsii.Number(5000)},
	})
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{
		Entry:      jsii.String("./cmd/api"),
		Vpc:        tier.Vpc(),
		VpcSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
	})
	tier.Bind(api)
}
