package localcloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// HTTPAPIReadBack is an API Gateway HTTP API as GetApi, GetRoutes,
// GetIntegrations, GetAuthorizers and GetStages answer.
type HTTPAPIReadBack struct {
	Name, Endpoint string
	Routes         map[string]RouteReadBack       // by route key, e.g. "$default"
	Integrations   map[string]IntegrationReadBack // by integration id
	Authorizers    map[string]string              // authorizer id -> type (JWT, REQUEST)
	Stages         map[string]StageReadBack       // by stage name
}

// RouteReadBack is one route: who may call it and where it goes.
type RouteReadBack struct {
	AuthorizationType, AuthorizerID, Target string
}

// IntegrationReadBack is one integration: the target (an alias ARN for a
// Lift front door), the event payload version and the timeout.
type IntegrationReadBack struct {
	Type, URI, PayloadFormatVersion string
	TimeoutMillis                   int32
}

// StageReadBack is one stage's throttling and access-log settings.
type StageReadBack struct {
	AutoDeploy             bool
	RateLimit              float64
	BurstLimit             int32
	AccessLogDestination   string
	AccessLogFormat        string
	DetailedMetricsEnabled bool
}

// FunctionURLReadBack is a function URL as GetFunctionUrlConfig answers.
type FunctionURLReadBack struct {
	URL, AuthType, InvokeMode string
	CorsOrigins               []string
}

// readHTTPAPI reads back one HTTP API with its routes, integrations, authorizers and stages.
func readHTTPAPI(ctx context.Context, gw *apigatewayv2.Client, id string) (HTTPAPIReadBack, error) {
	api, err := gw.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(id)})
	if err != nil {
		return HTTPAPIReadBack{}, fmt.Errorf("apigatewayv2 GetApi %s: %w", id, err)
	}
	rb := HTTPAPIReadBack{Name: aws.ToString(api.Name), Endpoint: aws.ToString(api.ApiEndpoint),
		Routes: map[string]RouteReadBack{}, Integrations: map[string]IntegrationReadBack{},
		Authorizers: map[string]string{}, Stages: map[string]StageReadBack{}}
	routes, err := gw.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id)})
	if err != nil {
		return rb, fmt.Errorf("apigatewayv2 GetRoutes %s: %w", id, err)
	}
	for _, r := range routes.Items {
		rb.Routes[aws.ToString(r.RouteKey)] = RouteReadBack{AuthorizationType: string(r.AuthorizationType),
			AuthorizerID: aws.ToString(r.AuthorizerId), Target: aws.ToString(r.Target)}
	}
	integrations, err := gw.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(id)})
	if err != nil {
		return rb, fmt.Errorf("apigatewayv2 GetIntegrations %s: %w", id, err)
	}
	for _, i := range integrations.Items {
		rb.Integrations[aws.ToString(i.IntegrationId)] = IntegrationReadBack{Type: string(i.IntegrationType),
			URI: aws.ToString(i.IntegrationUri), PayloadFormatVersion: aws.ToString(i.PayloadFormatVersion), TimeoutMillis: aws.ToInt32(i.TimeoutInMillis)}
	}
	// Each route's authorizer (moto has no GetAuthorizers list).
	for _, r := range rb.Routes {
		if r.AuthorizerID == "" || rb.Authorizers[r.AuthorizerID] != "" {
			continue
		}
		a, err := gw.GetAuthorizer(ctx, &apigatewayv2.GetAuthorizerInput{ApiId: aws.String(id), AuthorizerId: aws.String(r.AuthorizerID)})
		if err != nil {
			return rb, fmt.Errorf("apigatewayv2 GetAuthorizer %s %s: %w", id, r.AuthorizerID, err)
		}
		rb.Authorizers[r.AuthorizerID] = string(a.AuthorizerType)
	}
	stages, err := gw.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: aws.String(id)})
	if err != nil {
		return rb, fmt.Errorf("apigatewayv2 GetStages %s: %w", id, err)
	}
	for _, s := range stages.Items {
		st := StageReadBack{AutoDeploy: aws.ToBool(s.AutoDeploy)}
		if d := s.DefaultRouteSettings; d != nil {
			st.RateLimit, st.BurstLimit, st.DetailedMetricsEnabled = aws.ToFloat64(d.ThrottlingRateLimit), aws.ToInt32(d.ThrottlingBurstLimit), aws.ToBool(d.DetailedMetricsEnabled)
		}
		if l := s.AccessLogSettings; l != nil {
			st.AccessLogDestination, st.AccessLogFormat = aws.ToString(l.DestinationArn), aws.ToString(l.Format)
		}
		rb.Stages[aws.ToString(s.StageName)] = st
	}
	return rb, nil
}

// readFunctionURL reads back the URL of a function; physical is the
// AWS::Lambda::Url's id, the function's ARN with the alias as qualifier.
func readFunctionURL(ctx context.Context, lc *lambda.Client, physical string) (FunctionURLReadBack, error) {
	in := &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(physical)}
	if fn, alias, ok := splitAliasARN(physical); ok {
		in.FunctionName, in.Qualifier = aws.String(fn), aws.String(alias)
	}
	out, err := lc.GetFunctionUrlConfig(ctx, in)
	if err != nil {
		return FunctionURLReadBack{}, fmt.Errorf("lambda GetFunctionUrlConfig %s: %w", physical, err)
	}
	rb := FunctionURLReadBack{URL: aws.ToString(out.FunctionUrl), AuthType: string(out.AuthType), InvokeMode: string(out.InvokeMode)}
	if out.Cors != nil {
		rb.CorsOrigins = out.Cors.AllowOrigins
	}
	return rb, nil
}

func (a HTTPAPIReadBack) String() string {
	var routes []string
	for key, r := range a.Routes {
		routes = append(routes, key+" ("+r.AuthorizationType+")")
	}
	var stages []string
	for name, s := range a.Stages {
		stages = append(stages, fmt.Sprintf("%s throttled %g/s burst %d, access logs %t", name, s.RateLimit, s.BurstLimit, s.AccessLogDestination != ""))
	}
	return fmt.Sprintf("HTTP API %s: routes %s; %d integrations; stages %s", a.Name, strings.Join(routes, ", "), len(a.Integrations), strings.Join(stages, ", "))
}
