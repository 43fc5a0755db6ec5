package frontdoor

import (
	"errors"
	"math"
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/internal/token"
)

// ErrInvalidProps is wrapped by the error New panics with; it lists every
// problem of the call, each with the construct path, the prop, its value and the fix.
var ErrInvalidProps = errors.New("invalid frontdoor.Props")

// Defaults, documented on Props.
const (
	defaultRateLimit       = 500
	defaultBurstLimit      = 1000
	defaultTimeoutSeconds  = 29
	minTimeoutMilliseconds = 50
)

var hostName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// validate checks props and returns a copy with defaults filled in; the
// caller's props are never changed.
func validate(pr *propcheck.Collector, props *Props) *Props {
	if props == nil {
		pr.Add("props", propcheck.Literal("nil"), "pass &frontdoor.Props{Target: alias}")
		pr.Check()
	}
	p := *props
	if p.Target == nil {
		pr.Add("Target", propcheck.Literal("nil"), "pass the function or alias that serves the requests")
	}
	if p.Kind == "" {
		p.Kind = KindFunctionURL
	}
	if p.Auth == "" {
		p.Auth = AuthIAM
	}
	switch p.Kind {
	case KindFunctionURL:
		validateFunctionURL(pr, &p)
	case KindHTTPAPI:
		validateHTTPAPI(pr, &p)
	default:
		pr.Add("Kind", string(p.Kind), "use frontdoor.KindFunctionURL or frontdoor.KindHTTPAPI")
	}
	switch p.Auth {
	case AuthIAM, AuthNone:
		if p.JWT != nil {
			pr.Add("JWT", propcheck.Literal("set with Auth "+string(p.Auth)), "set Auth to frontdoor.AuthJWT, or remove JWT")
		}
	case AuthJWT:
		validateJWT(pr, p.JWT)
	default:
		pr.Add("Auth", string(p.Auth), "use frontdoor.AuthIAM (default), AuthJWT (HTTP API) or AuthNone (public)")
	}
	validateCors(pr, p.Cors)
	pr.Check()
	return &p
}

func validateFunctionURL(pr *propcheck.Collector, p *Props) {
	if p.Auth == AuthJWT {
		pr.Add("Auth", propcheck.Literal("JWT with Kind FunctionURL"), "function URLs take AWS_IAM or NONE: use Kind HTTPAPI for a JWT authorizer")
	}
	httpOnly := map[string]bool{
		"APIName": p.APIName != nil, "Throttle": p.Throttle != nil, "IntegrationTimeout": p.IntegrationTimeout != nil,
		"AccessLogs": p.AccessLogs != nil, "Domain": p.Domain != nil,
	}
	for _, prop := range []string{"APIName", "Throttle", "IntegrationTimeout", "AccessLogs", "Domain"} {
		if httpOnly[prop] {
			pr.Add(prop, propcheck.Literal("set with Kind FunctionURL"), "it configures an HTTP API: set Kind to frontdoor.KindHTTPAPI, or remove it")
		}
	}
}

func validateHTTPAPI(pr *propcheck.Collector, p *Props) {
	if p.Streaming != nil && *p.Streaming {
		pr.Add("Streaming", propcheck.Literal("true with Kind HTTPAPI"), "HTTP APIs buffer responses: use Kind FunctionURL to stream, or remove Streaming")
	}
	t := ThrottleProps{RateLimit: jsii.Number(defaultRateLimit), BurstLimit: jsii.Number(defaultBurstLimit)}
	if p.Throttle != nil {
		if r := p.Throttle.RateLimit; r != nil {
			if math.IsNaN(*r) || *r <= 0 || math.IsInf(*r, 0) {
				pr.Add("Throttle.RateLimit", r, "use a positive number of requests a second")
			}
			t.RateLimit = r
		}
		if b := p.Throttle.BurstLimit; b != nil {
			if *b < 1 || *b != math.Trunc(*b) || math.IsInf(*b, 0) {
				pr.Add("Throttle.BurstLimit", b, "use a whole number of requests, 1 or more")
			}
			t.BurstLimit = b
		}
	}
	p.Throttle = &t
	if d := p.IntegrationTimeout; d != nil && !token.Unresolved(d.ToString()) {
		if ms := *d.ToMilliseconds(nil); ms < minTimeoutMilliseconds || ms > defaultTimeoutSeconds*1000 {
			pr.Add("IntegrationTimeout", propcheck.Literal(*d.ToHumanString()), "use 50 ms to 29 s (the limits CDK enforces for HTTP API integrations)")
		}
	}
	if d := p.Domain; d != nil {
		if d.Name == nil || (!token.Unresolved(d.Name) && !hostName.MatchString(*d.Name)) {
			pr.Add("Domain.Name", d.Name, "use a lower-case host name such as \"api.example.com\"")
		}
		if d.Certificate == nil {
			pr.Add("Domain.Certificate", propcheck.Literal("nil"), "pass an ACM certificate for Domain.Name in the stack's region")
		}
	}
}

func validateJWT(pr *propcheck.Collector, j *JWTProps) {
	if j == nil {
		pr.Add("JWT", propcheck.Literal("nil with Auth JWT"), "set JWT.Issuer and JWT.Audience")
		return
	}
	if j.Issuer == nil || (!token.Unresolved(j.Issuer) && !strings.HasPrefix(*j.Issuer, "https://")) {
		pr.Add("JWT.Issuer", j.Issuer, "use the issuer's https URL (the token's iss claim)")
	}
	if j.Audience == nil || len(*j.Audience) == 0 {
		pr.Add("JWT.Audience", propcheck.Literal("empty"), "list the accepted aud or client_id values")
	}
}

func validateCors(pr *propcheck.Collector, c *CorsProps) {
	if c == nil {
		return
	}
	if c.AllowOrigins == nil || len(*c.AllowOrigins) == 0 {
		pr.Add("Cors.AllowOrigins", propcheck.Literal("empty"), "list the origins browsers may call from, e.g. \"https://app.example.com\"")
		return
	}
	if c.AllowCredentials != nil && *c.AllowCredentials {
		for _, o := range *c.AllowOrigins {
			if o != nil && *o == "*" {
				pr.Add("Cors.AllowOrigins", propcheck.Literal(`"*" with AllowCredentials`), "browsers refuse credentials for any origin: list the origins")
			}
		}
	}
}
