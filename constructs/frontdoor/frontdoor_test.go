//lint:file-ignore SA1019 assertions.Annotations returns cxapi.SynthesisMessage; aws-cdk-go offers no other type

package frontdoor_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/frontdoor"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// liveAlias is a Go function built from testdata/handler with a "live" alias.
func liveAlias(stack awscdk.Stack, id string) awslambda.Alias {
	fn := gofunction.New(stack, jsii.String(id), &gofunction.Props{Entry: jsii.String("testdata/handler")})
	return awslambda.NewAlias(stack, jsii.String(id+"Live"), &awslambda.AliasProps{
		AliasName: jsii.String("live"), Version: fn.CurrentVersion(),
	})
}

func TestFunctionURLDefaultIsIAMOnTheAlias(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Door")
	alias := liveAlias(stack, "Fn")
	fd := frontdoor.New(stack, jsii.String("Http"), &frontdoor.Props{Target: alias})
	role := awsiam.NewRole(stack, jsii.String("Caller"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
	fd.Grant(role)
	tmpl := cdktest.Template(stack)

	if fd.Kind != frontdoor.KindFunctionURL || fd.Auth != frontdoor.AuthIAM || fd.FunctionURL == nil || fd.API != nil {
		t.Fatalf("default front door: kind %s auth %s url %v api %v", fd.Kind, fd.Auth, fd.FunctionURL != nil, fd.API != nil)
	}
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Url"), map[string]any{
		"AuthType": "AWS_IAM", "InvokeMode": "BUFFERED", "Qualifier": "live",
	})
	// AWS_IAM needs no resource permission: callers get lambda:InvokeFunctionUrl through Grant.
	tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(0))
	tmpl.HasOutput(jsii.String("HttpUrl"), map[string]any{
		"Value": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^HttpFunctionUrl")), "FunctionUrl"}},
	})
	if got := assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("NONE"))); len(*got) != 0 {
		t.Fatalf("AWS_IAM front door warned: %v", got)
	}

	// The caller may invoke the alias through its URL only (both halves of URL auth, each conditioned).
	tmpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"Action": "lambda:InvokeFunctionUrl",
				"Condition": map[string]any{"StringEquals": map[string]any{"lambda:FunctionUrlAuthType": "AWS_IAM"}}}),
			assertions.Match_ObjectLike(&map[string]any{"Action": "lambda:InvokeFunction",
				"Condition": map[string]any{"Bool": map[string]any{"lambda:InvokedViaFunctionUrl": true}}}),
		})}),
	})
}

func TestFunctionURLPublicStreamingWithCors(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Door")
	alias := liveAlias(stack, "Fn")
	frontdoor.New(stack, jsii.String("Http"), &frontdoor.Props{
		Target: alias, Auth: frontdoor.AuthNone, Streaming: jsii.Bool(true),
		Cors: &frontdoor.CorsProps{AllowOrigins: jsii.Strings("https://app.example.com")},
	})
	tmpl := cdktest.Template(stack)
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Url"), map[string]any{
		"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM",
		"Cors": map[string]any{
			"AllowOrigins": []any{"https://app.example.com"}, "AllowMethods": []any{"GET", "HEAD", "POST"},
			"AllowHeaders": []any{"Content-Type", "Authorization"}, "MaxAge": 600,
		},
	})
	// Public: anyone may invoke the URL, and only through the URL.
	tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(2))
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE",
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Action": "lambda:InvokeFunction", "Principal": "*", "InvokedViaFunctionUrl": true,
	})
	assertions.Annotations_FromStack(stack).HasWarning(jsii.String("/Door/Http"), assertions.Match_StringLikeRegexp(jsii.String("Auth is NONE")))
}

func TestHTTPAPIWithJWTThrottlingLogsAndDomain(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Door")
	alias := liveAlias(stack, "Fn")
	cert := awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"),
		jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"))
	fd := frontdoor.New(stack, jsii.String("Http"), &frontdoor.Props{
		Target: alias, Kind: frontdoor.KindHTTPAPI, Auth: frontdoor.AuthJWT,
		JWT:                &frontdoor.JWTProps{Issuer: jsii.String("https://issuer.example.com"), Audience: jsii.Strings("shop")},
		Throttle:           &frontdoor.ThrottleProps{RateLimit: jsii.Number(50)},
		IntegrationTimeout: awscdk.Duration_Seconds(jsii.Number(10)),
		AccessLogs:         &frontdoor.AccessLogProps{Retention: awslogs.RetentionDays_ONE_WEEK},
		Domain:             &frontdoor.DomainProps{Name: jsii.String("api.example.com"), Certificate: cert},
	})
	tmpl := cdktest.Template(stack)

	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{"ProtocolType": "HTTP", "Name": "Door-Http"})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), map[string]any{
		"RouteKey": "$default", "AuthorizationType": "JWT",
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), map[string]any{
		"AuthorizerType":   "JWT",
		"JwtConfiguration": map[string]any{"Issuer": "https://issuer.example.com", "Audience": []any{"shop"}},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
		"IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0", "TimeoutInMillis": 10000,
		"IntegrationUri": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^FnLive"))},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
		"StageName": "$default", "AutoDeploy": true,
		"DefaultRouteSettings": map[string]any{"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 1000},
		"AccessLogSettings": map[string]any{
			"DestinationArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^HttpAccessLogs")), "Arn"}},
			"Format":         assertions.Match_StringLikeRegexp(jsii.String(`"requestId":"\$context.requestId"`)),
		},
	})
	tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
		"Properties": map[string]any{"RetentionInDays": 7}, "DeletionPolicy": "Retain",
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{
		"DomainName":               "api.example.com",
		"DomainNameConfigurations": []any{assertions.Match_ObjectLike(&map[string]any{"SecurityPolicy": "TLS_1_2"})},
	})
	tmpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::ApiMapping"), jsii.Number(1))
	// Exactly one permission: API Gateway may invoke the alias, from this API only.
	tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(1))
	perms := cdktest.Resources(t, tmpl, "AWS::Lambda::Permission")
	for _, perm := range perms {
		props := perm["Properties"].(map[string]any)
		if props["Action"] != "lambda:InvokeFunction" || props["Principal"] != "apigateway.amazonaws.com" {
			t.Fatalf("permission: %v", props)
		}
		src, _ := json.Marshal(props["SourceArn"])
		if !strings.Contains(string(src), `{"Ref":"HttpApi`) || !strings.Contains(string(src), `/*/*"`) {
			t.Fatalf("permission SourceArn %s: want this API's ARN", src)
		}
	}
	if fd.URL == nil || fd.DomainURL == nil || *fd.DomainURL != "https://api.example.com/" {
		t.Fatal("URL and DomainURL must be set")
	}
	tmpl.HasOutput(jsii.String("HttpUrl"), assertions.Match_AnyValue())
}

func TestHTTPAPIDefaultIsIAM(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Door")
	frontdoor.New(stack, jsii.String("Http"), &frontdoor.Props{Target: liveAlias(stack, "Fn"), Kind: frontdoor.KindHTTPAPI})
	tmpl := cdktest.Template(stack)
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), map[string]any{"RouteKey": "$default", "AuthorizationType": "AWS_IAM"})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
		"DefaultRouteSettings": map[string]any{"ThrottlingRateLimit": 500, "ThrottlingBurstLimit": 1000},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{"TimeoutInMillis": 29000})
	tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
		"Properties": map[string]any{"RetentionInDays": 30}, "DeletionPolicy": "Retain",
	})
}

func TestInvalidPropsListsEveryProblem(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Door")
	alias := liveAlias(stack, "Fn")
	err := cdktest.SynthError(t, frontdoor.ErrInvalidProps, func() {
		frontdoor.New(stack, jsii.String("Http"), &frontdoor.Props{
			Target: alias, Kind: frontdoor.KindHTTPAPI, Auth: frontdoor.AuthJWT, Streaming: jsii.Bool(true),
			JWT:                &frontdoor.JWTProps{Issuer: jsii.String("http://insecure.example.com")},
			Throttle:           &frontdoor.ThrottleProps{RateLimit: jsii.Number(0), BurstLimit: jsii.Number(2.5)},
			IntegrationTimeout: awscdk.Duration_Seconds(jsii.Number(31)),
			Domain:             &frontdoor.DomainProps{Name: jsii.String("Not A Host")},
			Cors:               &frontdoor.CorsProps{AllowOrigins: jsii.Strings("*"), AllowCredentials: jsii.Bool(true)},
		})
	})
	msg := err.Error()
	for _, want := range []string{
		"Door/Http",
		"Streaming is true with Kind HTTPAPI",
		"JWT.Issuer is \"http://insecure.example.com\"", "JWT.Audience is empty",
		"Throttle.RateLimit is 0", "Throttle.BurstLimit is 2.5",
		"IntegrationTimeout is 31 seconds: use 50 ms to 29 s",
		"Domain.Name is \"Not A Host\"", "Domain.Certificate is nil",
		"Cors.AllowOrigins is \"*\" with AllowCredentials",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}

	err = cdktest.SynthError(t, frontdoor.ErrInvalidProps, func() {
		frontdoor.New(stack, jsii.String("Url"), &frontdoor.Props{
			Kind: frontdoor.KindFunctionURL, Auth: frontdoor.AuthJWT, Throttle: &frontdoor.ThrottleProps{},
		})
	})
	for _, want := range []string{"Target is nil", "Auth is JWT with Kind FunctionURL", "Throttle is set with Kind FunctionURL", "JWT is nil with Auth JWT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}

	// Unset strings read "unset", and bad enum values are quoted.
	err = cdktest.SynthError(t, frontdoor.ErrInvalidProps, func() {
		frontdoor.New(stack, jsii.String("Unset"), &frontdoor.Props{
			Target: alias, Kind: frontdoor.KindHTTPAPI, Auth: frontdoor.AuthJWT,
			JWT: &frontdoor.JWTProps{Audience: jsii.Strings("shop")}, Domain: &frontdoor.DomainProps{},
		})
	})
	for _, want := range []string{"JWT.Issuer is unset", "Domain.Name is unset"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	err = cdktest.SynthError(t, frontdoor.ErrInvalidProps, func() {
		frontdoor.New(stack, jsii.String("Bogus"), &frontdoor.Props{Target: alias, Kind: "REST", Auth: "COGNITO"})
	})
	for _, want := range []string{`Kind is "REST"`, `Auth is "COGNITO"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
}
