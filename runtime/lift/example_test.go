package lift_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/runtime/health"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
)

type Order struct {
	ID  string `json:"id"`
	Qty int    `json:"qty"`
}

type Receipt struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

func handleOrder(ctx context.Context, o Order) (Receipt, error) {
	if o.Qty <= 0 {
		return Receipt{}, errors.New("qty must be positive")
	}
	lift.Logger(ctx).Info("order priced", "id", o.ID, "coldStart", lift.ColdStart(ctx))
	return Receipt{ID: o.ID, Total: o.Qty * 250}, nil
}

// A typical main: the handler plus its lifecycle hooks.
func ExampleStart() {
	var db net.Conn // stands in for a real client built once at init
	lift.Start(handleOrder,
		lift.OnWarmup("db-connect", func(ctx context.Context) error {
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", "db.internal:5432")
			db = c
			return err
		}),
		lift.WithHealthCheck("db", func(ctx context.Context) error {
			if db == nil {
				return health.Warn(errors.New("not connected yet"))
			}
			return nil
		}),
		lift.OnShutdown("db-close", func(context.Context) error {
			if db != nil {
				return db.Close()
			}
			return nil
		}),
	)
}

// NewHandler gives the same lambda.Handler Start runs, for tests: control
// events are answered without reaching the handler.
func ExampleNewHandler() {
	h, err := lift.NewHandler(handleOrder,
		lift.WithLogWriter(io.Discard),
		lift.WithMetrics(metrics.New(io.Discard, "Example")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})

	out, _ := h.Invoke(ctx, []byte(`{"id":"o-1","qty":2}`))
	fmt.Println(string(out))

	out, _ = h.Invoke(ctx, []byte(`{"lift":"health"}`))
	fmt.Println(len(out) > 0 && string(out[:16]) == `{"status":"pass"`)
	// Output:
	// {"id":"o-1","total":500}
	// true
}

func ExampleNewHandler_invalidEnvironment() {
	os.Setenv("LIFT_SHUTDOWN_BUDGET", "soon")
	defer os.Unsetenv("LIFT_SHUTDOWN_BUDGET")
	_, err := lift.NewHandler(handleOrder)
	fmt.Println(err)
	// Output:
	// lift: invalid configuration: LIFT_SHUTDOWN_BUDGET="soon": time: invalid duration "soon"; set a Go duration such as "400ms", or unset it for the default 400ms
}
