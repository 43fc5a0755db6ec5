package frontdoor

import (
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/monitoring"
)

// PublicWarning is the id of the synth warning every Auth NONE front door gets.
const PublicWarning = "lift:frontdoor:public"

// FrontDoor is what New created. Parts of the other kind are nil.
type FrontDoor struct {
	constructs.Construct
	Kind Kind
	Auth Auth
	// URL is the endpoint ("https://.../"), also the stack output Output.
	URL    *string
	Output awscdk.CfnOutput

	// FunctionURL is the Lambda function URL (KindFunctionURL).
	FunctionURL awslambda.FunctionUrl

	// API, Stage ($default) and AccessLogs (its log group) make the HTTP API
	// (KindHTTPAPI). Domain is the custom domain, when Props.Domain is set;
	// DomainURL is then "https://<name>/".
	API        awsapigatewayv2.HttpApi
	Stage      awsapigatewayv2.HttpStage
	AccessLogs awslogs.LogGroup
	Domain     awsapigatewayv2.DomainName
	DomainURL  *string

	props *Props
}

// New puts a front door before props.Target. Invalid props panic at synth
// with an error wrapping ErrInvalidProps that lists every problem, each with
// the construct path, the prop, its value and the fix.
func New(scope constructs.Construct, id *string, props *Props) *FrontDoor {
	p := validate(propcheck.For(ErrInvalidProps, scope, id), props)
	f := &FrontDoor{Kind: p.Kind, Auth: p.Auth, props: p}
	constructs.NewConstruct_Override(f, scope, id)
	if p.Kind == KindHTTPAPI {
		f.newHTTPAPI(p)
	} else {
		f.newFunctionURL(p)
	}
	if p.Auth == AuthNone {
		awscdk.Annotations_Of(f).AddWarningV2(jsii.String(PublicWarning), jsii.String(
			"Auth is NONE: anyone on the internet can call this endpoint. Use AuthIAM (default) or AuthJWT unless the API is meant to be public."), nil)
	}
	f.Output = awscdk.NewCfnOutput(f, jsii.String("Url"), &awscdk.CfnOutputProps{
		Value:       f.URL,
		Description: jsii.String("URL of " + *f.Node().Path() + " (" + string(p.Kind) + ", auth " + string(p.Auth) + ")"),
	})
	// A readable, stable name (e.g. "ApiHttpUrl"), not a hashed one: scripts read it.
	f.Output.OverrideLogicalId(jsii.String(OutputID(f)))
	return f
}

var nonAlphanumeric = regexp.MustCompile(`[^A-Za-z0-9]`)

// OutputID is the stack output holding f's URL: its path under the stack,
// letters and digits only, then "Url".
func OutputID(f constructs.IConstruct) string {
	stackPath := *awscdk.Stack_Of(f).Node().Path()
	rel := (*f.Node().Path())[len(stackPath)+1:]
	return nonAlphanumeric.ReplaceAllString(rel, "") + "Url"
}

func (f *FrontDoor) newFunctionURL(p *Props) {
	mode := awslambda.InvokeMode_BUFFERED
	if p.Streaming != nil && *p.Streaming {
		mode = awslambda.InvokeMode_RESPONSE_STREAM
	}
	auth := awslambda.FunctionUrlAuthType_AWS_IAM
	if p.Auth == AuthNone {
		auth = awslambda.FunctionUrlAuthType_NONE
	}
	f.FunctionURL = awslambda.NewFunctionUrl(f, jsii.String("FunctionUrl"), &awslambda.FunctionUrlProps{
		Function: p.Target, AuthType: auth, InvokeMode: mode, Cors: functionURLCors(p.Cors),
	})
	f.URL = f.FunctionURL.Url()
}

func functionURLCors(c *CorsProps) *awslambda.FunctionUrlCorsOptions {
	if c == nil {
		return nil
	}
	return &awslambda.FunctionUrlCorsOptions{
		AllowedOrigins: c.AllowOrigins, AllowedMethods: corsMethods(c, awslambda.HttpMethod_GET, awslambda.HttpMethod_HEAD, awslambda.HttpMethod_POST), AllowedHeaders: corsHeaders(c),
		ExposedHeaders: c.ExposeHeaders, AllowCredentials: c.AllowCredentials, MaxAge: corsMaxAge(c),
	}
}

// corsMethods is c.AllowMethods as the service's method type, or the defaults.
func corsMethods[M ~string](c *CorsProps, defaults ...M) *[]M {
	if c.AllowMethods == nil {
		return &defaults
	}
	methods := make([]M, 0, len(*c.AllowMethods))
	for _, m := range *c.AllowMethods {
		methods = append(methods, M(*m))
	}
	return &methods
}

func corsHeaders(c *CorsProps) *[]*string {
	if c.AllowHeaders != nil {
		return c.AllowHeaders
	}
	return jsii.Strings("Content-Type", "Authorization")
}

func corsMaxAge(c *CorsProps) awscdk.Duration {
	if c.MaxAge != nil {
		return c.MaxAge
	}
	return awscdk.Duration_Minutes(jsii.Number(10))
}

// Grant lets grantee call the front door: lambda:InvokeFunctionUrl on the
// target (function URL) or execute-api:Invoke on the API's $default stage.
// Needed with Auth IAM only; with NONE and JWT the caller needs no IAM grant.
func (f *FrontDoor) Grant(grantee awsiam.IGrantable) awsiam.Grant {
	if f.FunctionURL != nil {
		return f.FunctionURL.GrantInvokeUrl(grantee)
	}
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("execute-api:Invoke"),
		ResourceArns: jsii.Strings(*f.API.ArnForExecuteApi(nil, nil, jsii.String("$default"))),
	})
}

// MonitoringProps are the front door's metrics for monitoring.Props.HTTP:
// the HTTP API's by ApiId, or the function URL's by function and alias.
func (f *FrontDoor) MonitoringProps() *monitoring.HTTPProps {
	if f.API != nil {
		return &monitoring.HTTPProps{
			Label:      jsii.String("HTTP API"),
			Namespace:  jsii.String("AWS/ApiGateway"),
			Dimensions: &map[string]*string{"ApiId": f.API.ApiId()},
			Requests:   jsii.String("Count"), ServerErrors: jsii.String("5xx"), ClientErrors: jsii.String("4xx"),
			Latency: jsii.String("Latency"),
			Timeout: f.integrationTimeout(),
		}
	}
	dims := map[string]*string{"FunctionName": f.props.Target.FunctionName()}
	if alias, ok := f.props.Target.(awslambda.IAlias); ok {
		// Function URL metrics of an alias carry Resource "<function>:<alias>".
		dims["Resource"] = awscdk.Fn_Join(jsii.String(":"), &[]*string{alias.Version().Lambda().FunctionName(), alias.AliasName()})
		dims["FunctionName"] = alias.Version().Lambda().FunctionName()
	}
	return &monitoring.HTTPProps{
		Label:      jsii.String("Function URL"),
		Namespace:  jsii.String("AWS/Lambda"),
		Dimensions: &dims,
		Requests:   jsii.String("UrlRequestCount"), ServerErrors: jsii.String("Url5xxCount"), ClientErrors: jsii.String("Url4xxCount"),
		Latency: jsii.String("UrlRequestLatency"),
	}
}
