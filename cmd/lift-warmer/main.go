// Command lift-warmer is the warmer Lambda that constructs/prewarm deploys, one
// per stack. Its EventBridge Scheduler schedule delivers a
// warmer.Input; it warms every target (see runtime/warmer), sending each
// target's control token in its warm-up events, emits the per-target metrics
// as EMF and returns the warmer.Report.
//
// It answers the synth-time handler check (LIFT_CHECK=1) itself, and uses
// aws-lambda-go directly, not lift.Start: the warmer is not a Lift
// service, answers no control events and runs no user hooks. It builds the
// SDK client once, at init. The Lambda endpoint follows the SDK's usual
// configuration, so AWS_ENDPOINT_URL_LAMBDA points it elsewhere in tests.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/warmer"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if os.Getenv(contract.EnvCheck) == "1" {
		// The synth-time handler check: the warmer takes no options and its
		// handler's signature is fixed, so there is nothing to refuse.
		logger.Info("lift-warmer: check", slog.String("lift", "check"), slog.Bool("ok", true))
		return
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(keepConnections)))
	if err != nil {
		// Init error: Lambda reports it and retries the init on the next invoke.
		logger.Error("lift-warmer: load AWS config", slog.String("error", err.Error()))
		os.Exit(1)
	}
	h := &handler{
		warmer: warmer.New(awslambda.NewFromConfig(cfg), warmer.WithLogger(logger), warmer.WithRoundID(requestID)),
		logger: logger,
	}
	lambda.Start(h.handle)
}

type handler struct {
	warmer *warmer.Warmer
	logger *slog.Logger
}

// handle warms the targets. A shortfall is a metric, not an error; refused
// targets (a bad input) fail the invocation so that its Errors metric shows it.
func (h *handler) handle(ctx context.Context, in warmer.Input) (warmer.Report, error) {
	report, err := h.warmer.Run(ctx, in)
	h.logger.LogAttrs(ctx, slog.LevelInfo, "warmer report", slog.Any("report", report))
	return report, err
}

func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		return lc.AwsRequestID
	}
	return "local"
}
