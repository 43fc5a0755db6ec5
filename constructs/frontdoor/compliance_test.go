package frontdoor_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/frontdoor"
)

// TestCompliance synthesizes every kind of front door, with cdk-nag's
// AwsSolutions pack: a function URL (AWS_IAM), an HTTP API with its IAM
// default and a public one (Auth NONE, whose route carries the one
// documented suppression, AwsSolutions-APIG4). cfn-lint runs with only
// DefaultIgnored.
func TestCompliance(t *testing.T) {
	app := cdktest.NewApp(t, cdktest.WithCDKJSON("../../cdk.json"), cdktest.WithNag())
	stack := awscdk.NewStack(app, jsii.String("LiftFrontDoors"), &awscdk.StackProps{Env: cdktest.Env()})
	frontdoor.New(stack, jsii.String("Url"), &frontdoor.Props{Target: liveAlias(stack, "UrlFn")})
	frontdoor.New(stack, jsii.String("Private"), &frontdoor.Props{Target: liveAlias(stack, "PrivateFn"), Kind: frontdoor.KindHTTPAPI})
	frontdoor.New(stack, jsii.String("Public"), &frontdoor.Props{
		Target: liveAlias(stack, "PublicFn"), Kind: frontdoor.KindHTTPAPI, Auth: frontdoor.AuthNone,
		Cors: &frontdoor.CorsProps{AllowOrigins: jsii.Strings("https://app.example.com")},
	})
	cdktest.Compliance(t, stack)

	t.Run("public API: CORS, and the one suppression with its reason", func(t *testing.T) {
		tmpl := cdktest.Template(stack)
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{
			"CorsConfiguration": map[string]any{
				"AllowOrigins": []any{"https://app.example.com"}, "AllowMethods": []any{"GET", "HEAD", "POST", "OPTIONS"},
				"AllowHeaders": []any{"Content-Type", "Authorization"}, "MaxAge": 600,
			},
		})
		tmpl.HasResource(jsii.String("AWS::ApiGatewayV2::Route"), map[string]any{
			"Properties": map[string]any{"AuthorizationType": "NONE"},
			"Metadata": map[string]any{"cdk_nag": map[string]any{"rules_to_suppress": []any{map[string]any{
				"id": "AwsSolutions-APIG4", "reason": assertions.Match_StringLikeRegexp(jsii.String("Auth NONE was chosen explicitly")),
			}}}},
		})
	})
}
