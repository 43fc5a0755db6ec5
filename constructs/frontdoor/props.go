package frontdoor

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// Kind is the AWS service that receives the requests.
type Kind string

const (
	// KindFunctionURL is a Lambda function URL on the target: no extra
	// service, no per-request price, response streaming, no throttling of its own.
	KindFunctionURL Kind = "FunctionURL"
	// KindHTTPAPI is an API Gateway HTTP API: stage throttling, access logs,
	// JWT authorizers and custom domains; responses are buffered.
	KindHTTPAPI Kind = "HTTPAPI"
)

// Auth is who may call the front door.
type Auth string

const (
	// AuthIAM requires SigV4-signed requests from principals allowed to
	// invoke (FrontDoor.Grant: the function URL permissions, or
	// execute-api:Invoke on an HTTP API).
	AuthIAM Auth = "AWS_IAM"
	// AuthJWT requires a JWT from Props.JWT's issuer (HTTP API only).
	AuthJWT Auth = "JWT"
	// AuthNone makes the endpoint public: anyone on the internet can call it.
	// Synthesis warns (lift:frontdoor:public) so it is never an accident.
	AuthNone Auth = "NONE"
)

// Props configure a front door. Only Target is required (service.Props.HTTP
// sets it to the service's alias).
type Props struct {
	// Target serves the requests: a function, or better an alias (the
	// service's "live"), so a deploy switches traffic at once.
	Target awslambda.IFunction
	// Kind chooses a function URL or an HTTP API. Default: KindFunctionURL.
	Kind Kind
	// Auth is who may call. Default: AuthIAM. AuthJWT needs Kind HTTPAPI and JWT.
	Auth Auth
	// JWT configures the authorizer of Auth JWT.
	JWT *JWTProps
	// Cors answers browsers' cross-origin requests. Default: no CORS headers.
	Cors *CorsProps

	// Streaming sets the function URL's invoke mode to RESPONSE_STREAM, so
	// the first bytes reach the client before the handler returns (up to 20
	// MB). Function URLs only. Default: false (BUFFERED, up to 6 MB).
	Streaming *bool

	// APIName names the HTTP API. Default: "<stack>-<construct id>".
	APIName *string
	// Throttle limits the HTTP API's $default stage. Default: 500 requests a
	// second, bursts of 1000 (the account's limit is 10000/5000).
	Throttle *ThrottleProps
	// IntegrationTimeout is how long the HTTP API waits for the target, 50 ms
	// to 29 s; the latency alarm compares p99 to it. Default: 29 seconds.
	IntegrationTimeout awscdk.Duration
	// AccessLogs configure the HTTP API's access log group. Default: a new
	// log group kept for one month, retained when the stack is deleted.
	AccessLogs *AccessLogProps
	// Domain serves the HTTP API on a custom domain name as well.
	// Default: only the execute-api URL.
	Domain *DomainProps
}

// JWTProps configure a JWT authorizer (OIDC / OAuth 2.0 access tokens).
type JWTProps struct {
	// Issuer is the token issuer, an https URL (e.g. a Cognito user pool's
	// https://cognito-idp.<region>.amazonaws.com/<pool id>). Required.
	Issuer *string
	// Audience lists the accepted aud (or client_id) values. Required.
	Audience *[]*string
	// IdentitySource is where the token is. Default: "$request.header.Authorization".
	IdentitySource *string
}

// CorsProps are the CORS answers for browsers. Origins are required.
type CorsProps struct {
	// AllowOrigins lists the allowed origins, e.g. "https://app.example.com";
	// "*" allows any (not with AllowCredentials).
	AllowOrigins *[]*string
	// AllowMethods. Default: GET, HEAD, POST (plus OPTIONS for an HTTP API preflight).
	AllowMethods *[]*string
	// AllowHeaders. Default: Content-Type, Authorization.
	AllowHeaders *[]*string
	// ExposeHeaders. Default: none.
	ExposeHeaders *[]*string
	// AllowCredentials lets browsers send cookies. Default: false.
	AllowCredentials *bool
	// MaxAge is how long browsers may cache a preflight answer. Default: 10 minutes.
	MaxAge awscdk.Duration
}

// ThrottleProps are the steady rate and burst limits of an HTTP API stage.
type ThrottleProps struct {
	RateLimit  *float64
	BurstLimit *float64
}

// AccessLogProps configure the HTTP API's access log group.
type AccessLogProps struct {
	// Retention. Default: one month.
	Retention awslogs.RetentionDays
	// RemovalPolicy. Default: RETAIN (access logs are audit records).
	RemovalPolicy awscdk.RemovalPolicy
}

// DomainProps serve the HTTP API on a custom domain. Both fields are required.
// Point the name's DNS at FrontDoor.Domain's RegionalDomainName (an alias or
// CNAME record); the construct does not touch your hosted zone.
type DomainProps struct {
	// Name is the host name, e.g. "api.example.com".
	Name *string
	// Certificate is an ACM certificate for Name in the stack's region.
	Certificate awscertificatemanager.ICertificate
}
