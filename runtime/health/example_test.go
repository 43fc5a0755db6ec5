package health_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liftcdk/lift/runtime/health"
)

func ExampleRun() {
	report := health.Run(context.Background(), []health.Check{
		{Name: "database", Fn: func(context.Context) error { return nil }},
		{Name: "cache", Fn: func(context.Context) error {
			return health.Warn(errors.New("cache unreachable, serving from origin"))
		}},
	}, time.Second)
	fmt.Println(report.Status)
	fmt.Println(report.Checks["cache"][0].Status, report.Checks["cache"][0].Output)
	// Output:
	// warn
	// warn cache unreachable, serving from origin
}
