package warmer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
	"github.com/liftcdk/lift/runtime/warmer"
)

// oneEnvironmentPerInvoke stands in for the Lambda client: every invoke lands
// in a new environment (in Lambda, the hold makes them overlap so they do).
type oneEnvironmentPerInvoke struct{ n atomic.Int64 }

func (f *oneEnvironmentPerInvoke) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	var ev lift.WarmupEvent
	if err := json.Unmarshal(in.Payload, &ev); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(lift.WarmupResponse{Lift: lift.ControlWarmup, InstanceID: fmt.Sprint("env-", f.n.Add(1)), Round: ev.Round})
	return &lambda.InvokeOutput{StatusCode: 200, Payload: b}, nil
}

func Example() {
	// In the Lambda main: warmer.New(lambda.NewFromConfig(cfg)).
	w := warmer.New(&oneEnvironmentPerInvoke{},
		warmer.WithMetrics(metrics.New(io.Discard, "Lift")),
		warmer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		warmer.WithRoundID(func(context.Context) string { return "r1" }))
	report, err := w.Run(context.Background(), warmer.Input{
		Targets: []warmer.Target{{Name: "api", ARN: "arn:aws:lambda:us-east-1:123456789012:function:api:live", Concurrency: 3, Token: "per-deployment-secret"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", report)
	// Output: {Round:r1 Targets:[{Name:api Asked:3 Warmed:3 Failed:0 Attempts:3}]}
}
