package motocfn_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/localsvc"
)

// motoCFNHTTPTemplate has every front-door type motocfn.py creates: an HTTP
// API with a JWT authorizer, a Lambda integration on the alias, its $default
// route and throttled, logged $default stage, a custom domain mapped to it,
// and a function URL on the alias.
const motoCFNHTTPTemplate = `{
  "Resources": {` + motoCFNFunction + `,
    "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
      "FunctionName": {"Ref": "Function"}, "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]}, "Name": "live"}},
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "lift-http", "ProtocolType": "HTTP",
      "CorsConfiguration": {"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET"], "MaxAge": 600}}},
    "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"},
      "IntegrationType": "AWS_PROXY", "IntegrationUri": {"Ref": "Live"}, "PayloadFormatVersion": "2.0", "TimeoutInMillis": 10000}},
    "Jwt": {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {"ApiId": {"Ref": "Api"}, "Name": "jwt",
      "AuthorizerType": "JWT", "IdentitySource": ["$request.header.Authorization"],
      "JwtConfiguration": {"Issuer": "https://issuer.example.com", "Audience": ["shop"]}}},
    "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "$default",
      "AuthorizationType": "JWT", "AuthorizerId": {"Ref": "Jwt"},
      "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}},
    "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
    "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": true,
      "DefaultRouteSettings": {"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100},
      "AccessLogSettings": {"DestinationArn": {"Fn::GetAtt": ["Logs", "Arn"]}, "Format": "{\"requestId\":\"$context.requestId\"}"}}},
    "Domain": {"Type": "AWS::ApiGatewayV2::DomainName", "Properties": {"DomainName": "api.example.com",
      "DomainNameConfigurations": [{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}]}},
    "Mapping": {"Type": "AWS::ApiGatewayV2::ApiMapping", "DependsOn": "Stage", "Properties": {
      "ApiId": {"Ref": "Api"}, "DomainName": {"Ref": "Domain"}, "Stage": {"Ref": "Stage"}}},
    "Url": {"Type": "AWS::Lambda::Url", "Properties": {"TargetFunctionArn": {"Fn::GetAtt": ["Function", "Arn"]}, "Qualifier": "live",
      "AuthType": "AWS_IAM", "InvokeMode": "RESPONSE_STREAM", "Cors": {"AllowOrigins": ["https://app.example.com"]}}}
  },
  "Outputs": {
    "ApiEndpoint": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}},
    "StageUrl": {"Value": {"Fn::Join": ["", ["https://", {"Ref": "Api"}, ".execute-api.us-east-1.", {"Ref": "AWS::URLSuffix"}, "/"]]}},
    "RegionalDomainName": {"Value": {"Fn::GetAtt": ["Domain", "RegionalDomainName"]}},
    "FunctionUrl": {"Value": {"Fn::GetAtt": ["Url", "FunctionUrl"]}},
    "UrlFunctionArn": {"Value": {"Fn::GetAtt": ["Url", "FunctionArn"]}}
  }
}`

func TestMotoCFNCreatesHTTPAPIAndFunctionURL(t *testing.T) {
	m := startMotoCFN(t, localsvc.MotoOptions{})
	ctx := motoCtx(t)
	cfg := m.AWSConfig()
	out, physical := createStack(t, ctx, m, "MotoCFNHTTP", motoCFNHTTPTemplate)
	t.Logf("outputs: %v", out)

	gw := apigatewayv2.NewFromConfig(cfg)
	apiID := physical["Api"]
	api, err := gw.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(apiID)})
	if err != nil {
		t.Fatalf("GetApi %q: %v", apiID, err)
	}
	if aws.ToString(api.Name) != "lift-http" || api.ProtocolType != "HTTP" || api.CorsConfiguration == nil ||
		len(api.CorsConfiguration.AllowOrigins) != 1 || aws.ToInt32(api.CorsConfiguration.MaxAge) != 600 {
		t.Errorf("api %+v", api)
	}
	if out["ApiEndpoint"] != aws.ToString(api.ApiEndpoint) || !strings.HasPrefix(out["StageUrl"], "https://"+apiID+".execute-api.") {
		t.Errorf("outputs ApiEndpoint %q (api %q), StageUrl %q", out["ApiEndpoint"], aws.ToString(api.ApiEndpoint), out["StageUrl"])
	}

	integ, err := gw.GetIntegration(ctx, &apigatewayv2.GetIntegrationInput{ApiId: aws.String(apiID), IntegrationId: aws.String(physical["Integration"])})
	if err != nil {
		t.Fatalf("GetIntegration: %v", err)
	}
	if aws.ToString(integ.IntegrationUri) != physical["Live"] || aws.ToString(integ.PayloadFormatVersion) != "2.0" || aws.ToInt32(integ.TimeoutInMillis) != 10000 {
		t.Errorf("integration uri %q (alias %q), payload %q, timeout %d", aws.ToString(integ.IntegrationUri), physical["Live"],
			aws.ToString(integ.PayloadFormatVersion), aws.ToInt32(integ.TimeoutInMillis))
	}
	route, err := gw.GetRoute(ctx, &apigatewayv2.GetRouteInput{ApiId: aws.String(apiID), RouteId: aws.String(physical["Route"])})
	if err != nil {
		t.Fatalf("GetRoute: %v", err)
	}
	if aws.ToString(route.RouteKey) != "$default" || route.AuthorizationType != "JWT" || aws.ToString(route.AuthorizerId) != physical["Jwt"] ||
		aws.ToString(route.Target) != "integrations/"+physical["Integration"] {
		t.Errorf("route %+v", route)
	}
	auth, err := gw.GetAuthorizer(ctx, &apigatewayv2.GetAuthorizerInput{ApiId: aws.String(apiID), AuthorizerId: aws.String(physical["Jwt"])})
	if err != nil {
		t.Fatalf("GetAuthorizer: %v", err)
	}
	if auth.JwtConfiguration == nil || aws.ToString(auth.JwtConfiguration.Issuer) != "https://issuer.example.com" || len(auth.JwtConfiguration.Audience) != 1 {
		t.Errorf("authorizer %+v", auth)
	}
	stage, err := gw.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(apiID), StageName: aws.String("$default")})
	if err != nil {
		t.Fatalf("GetStage: %v", err)
	}
	if physical["Stage"] != "$default" || !aws.ToBool(stage.AutoDeploy) || stage.DefaultRouteSettings == nil ||
		aws.ToFloat64(stage.DefaultRouteSettings.ThrottlingRateLimit) != 50 || aws.ToInt32(stage.DefaultRouteSettings.ThrottlingBurstLimit) != 100 ||
		stage.AccessLogSettings == nil || !strings.HasPrefix(aws.ToString(stage.AccessLogSettings.DestinationArn), "arn:aws:logs:") {
		t.Errorf("stage %q %+v, route settings %+v, logs %+v", physical["Stage"], stage, stage.DefaultRouteSettings, stage.AccessLogSettings)
	}
	mappings, err := gw.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String("api.example.com")})
	if err != nil {
		t.Fatalf("GetApiMappings: %v", err)
	}
	if len(mappings.Items) != 1 || aws.ToString(mappings.Items[0].ApiId) != apiID || aws.ToString(mappings.Items[0].Stage) != "$default" {
		t.Errorf("api mappings %+v", mappings.Items)
	}
	if out["RegionalDomainName"] == "" {
		t.Error("domain's RegionalDomainName output is empty")
	}

	url, err := lambda.NewFromConfig(cfg).GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{
		FunctionName: aws.String(physical["Function"]), Qualifier: aws.String("live"),
	})
	if err != nil {
		t.Fatalf("GetFunctionUrlConfig: %v", err)
	}
	if aws.ToString(url.FunctionUrl)+"/" != out["FunctionUrl"] || url.AuthType != "AWS_IAM" || url.InvokeMode != "RESPONSE_STREAM" ||
		url.Cors == nil || len(url.Cors.AllowOrigins) != 1 || !strings.HasSuffix(out["UrlFunctionArn"], ":live") {
		t.Errorf("function URL %q auth %s mode %s cors %+v; outputs %q %q", aws.ToString(url.FunctionUrl), url.AuthType, url.InvokeMode,
			url.Cors, out["FunctionUrl"], out["UrlFunctionArn"])
	}
}
