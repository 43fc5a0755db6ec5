package cloudmaphealth_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/liftcdk/lift/runtime/health/cloudmaphealth"
	"github.com/liftcdk/lift/runtime/lift"
)

// The reporter is a lift.HealthReporter.
var _ lift.HealthReporter = (*cloudmaphealth.Reporter)(nil)

// A provider reports its own health to Cloud Map after health events and warm-up.
func Example() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	reporter, err := cloudmaphealth.FromEnv(ctx, cfg) // LIFT_DISCOVERY_SERVICE_ID, LIFT_DISCOVERY_INSTANCE_ID
	if err != nil {
		fmt.Println(err)
		return
	}
	handler := func(ctx context.Context, in map[string]any) (map[string]any, error) { return in, nil }
	lift.Start(handler,
		lift.WithHealthCheck("self", func(context.Context) error { return nil }),
		lift.WithHealthReporter(reporter))
}
