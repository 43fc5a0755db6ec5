package frontdoor

import (
	"encoding/json"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/nag"
)

// accessLogFormat is one JSON line per request, in HTTP API's own variables.
var accessLogFormat = mustJSON(map[string]string{
	"requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "requestTime": "$context.requestTime",
	"method": "$context.httpMethod", "routeKey": "$context.routeKey", "path": "$context.path", "protocol": "$context.protocol",
	"status": "$context.status", "responseLength": "$context.responseLength", "responseLatency": "$context.responseLatency",
	"integrationStatus": "$context.integrationStatus", "integrationLatency": "$context.integrationLatency",
	"integrationError": "$context.integrationErrorMessage", "authorizerError": "$context.authorizer.error",
})

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}

// newHTTPAPI creates the API, its $default route to the target (payload 2.0),
// the throttled and logged $default stage, and the optional domain.
func (f *FrontDoor) newHTTPAPI(p *Props) {
	name := p.APIName
	if name == nil {
		name = jsii.String(*awscdk.Stack_Of(f).StackName() + "-" + *f.Node().Id())
	}
	f.API = awsapigatewayv2.NewHttpApi(f, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		ApiName:            name,
		Description:        jsii.String("Lift front door of " + *p.Target.Node().Path()),
		CreateDefaultStage: jsii.Bool(false), // ours below, with throttling and access logs
		CorsPreflight:      httpAPICors(p.Cors),
		DefaultAuthorizer:  authorizer(p),
		DefaultIntegration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Target"), p.Target,
			&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
				PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
				Timeout:              f.integrationTimeout(),
			}),
	})
	if p.Auth == AuthNone {
		for _, route := range *f.API.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			if res, ok := route.(awscdk.CfnResource); ok && *res.CfnResourceType() == "AWS::ApiGatewayV2::Route" {
				nag.Suppress(route, nag.Rule{ID: "AwsSolutions-APIG4",
					Reason: "Auth NONE was chosen explicitly: a public API (synthesis warns with " + PublicWarning + ")"})
			}
		}
	}

	logs := AccessLogProps{Retention: awslogs.RetentionDays_ONE_MONTH, RemovalPolicy: awscdk.RemovalPolicy_RETAIN}
	if p.AccessLogs != nil {
		if p.AccessLogs.Retention != "" {
			logs.Retention = p.AccessLogs.Retention
		}
		if p.AccessLogs.RemovalPolicy != "" {
			logs.RemovalPolicy = p.AccessLogs.RemovalPolicy
		}
	}
	f.AccessLogs = awslogs.NewLogGroup(f, jsii.String("AccessLogs"), &awslogs.LogGroupProps{
		Retention: logs.Retention, RemovalPolicy: logs.RemovalPolicy,
	})

	stageProps := &awsapigatewayv2.HttpStageProps{
		HttpApi: f.API, StageName: jsii.String("$default"), AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{RateLimit: p.Throttle.RateLimit, BurstLimit: p.Throttle.BurstLimit},
	}
	if d := p.Domain; d != nil {
		f.Domain = awsapigatewayv2.NewDomainName(f, jsii.String("Domain"), &awsapigatewayv2.DomainNameProps{
			DomainName: d.Name, Certificate: d.Certificate, SecurityPolicy: awsapigatewayv2.SecurityPolicy_TLS_1_2,
		})
		stageProps.DomainMapping = &awsapigatewayv2.DomainMappingOptions{DomainName: f.Domain}
		f.DomainURL = jsii.String("https://" + *d.Name + "/")
	}
	f.Stage = awsapigatewayv2.NewHttpStage(f, jsii.String("Stage"), stageProps)
	// The L2 stage takes access logs only through a jsii interface; the L1
	// property is the same setting without a Go-side callback object.
	f.Stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: f.AccessLogs.LogGroupArn(), Format: jsii.String(accessLogFormat),
	})
	f.URL = f.Stage.Url()
}

func authorizer(p *Props) awsapigatewayv2.IHttpRouteAuthorizer {
	switch p.Auth {
	case AuthJWT:
		return awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), p.JWT.Issuer,
			&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
				JwtAudience: p.JWT.Audience, IdentitySource: identitySource(p.JWT),
			})
	case AuthNone:
		return nil
	}
	return awsapigatewayv2authorizers.NewHttpIamAuthorizer()
}

func identitySource(j *JWTProps) *[]*string {
	if j.IdentitySource == nil {
		return nil // CDK's default: $request.header.Authorization
	}
	return &[]*string{j.IdentitySource}
}

func httpAPICors(c *CorsProps) *awsapigatewayv2.CorsPreflightOptions {
	if c == nil {
		return nil
	}
	return &awsapigatewayv2.CorsPreflightOptions{
		AllowOrigins: c.AllowOrigins, AllowMethods: corsMethods(c, awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_HEAD,
			awsapigatewayv2.CorsHttpMethod_POST, awsapigatewayv2.CorsHttpMethod_OPTIONS), AllowHeaders: corsHeaders(c),
		ExposeHeaders: c.ExposeHeaders, AllowCredentials: c.AllowCredentials, MaxAge: corsMaxAge(c),
	}
}

func (f *FrontDoor) integrationTimeout() awscdk.Duration {
	if f.props.IntegrationTimeout != nil {
		return f.props.IntegrationTimeout
	}
	return awscdk.Duration_Seconds(jsii.Number(defaultTimeoutSeconds))
}
