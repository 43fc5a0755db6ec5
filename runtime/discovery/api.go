package discovery

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// CloudMapAPI is the part of *servicediscovery.Client the Resolver uses.
type CloudMapAPI interface {
	DiscoverInstances(ctx context.Context, in *servicediscovery.DiscoverInstancesInput, optFns ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesOutput, error)
	DiscoverInstancesRevision(ctx context.Context, in *servicediscovery.DiscoverInstancesRevisionInput, optFns ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesRevisionOutput, error)
}

// LambdaAPI is the part of *lambda.Client the Client uses.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Clock tells the time; tests inject a fake one.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// DisableHostPrefix is a servicediscovery option that stops the SDK from
// prefixing the endpoint host with "data-" for DiscoverInstances and
// DiscoverInstancesRevision. Real Cloud Map needs the prefix; a local endpoint
// (moto, AWS_ENDPOINT_URL) does not resolve it. NewCloudMapClient applies it
// when a custom endpoint is configured.
func DisableHostPrefix(o *servicediscovery.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("LiftDisableHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

// NewCloudMapClient builds the Cloud Map client the Resolver needs from cfg,
// disabling the "data-" host prefix when a custom endpoint is configured
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SERVICEDISCOVERY or cfg.BaseEndpoint).
func NewCloudMapClient(cfg aws.Config, optFns ...func(*servicediscovery.Options)) *servicediscovery.Client {
	fns := append([]func(*servicediscovery.Options){func(o *servicediscovery.Options) {
		if o.BaseEndpoint != nil && *o.BaseEndpoint != "" {
			DisableHostPrefix(o)
		}
	}}, optFns...)
	return servicediscovery.NewFromConfig(cfg, fns...)
}
