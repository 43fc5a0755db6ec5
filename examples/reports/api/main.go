// Command api is the reports example's function: POST /reports queues a
// report job and answers 202 Accepted at once; GET /reports/{id} answers
// with its progress, then its report. The work runs in ../worker, fed from
// the service's job queue, for as long as it takes (up to the worker's
// timeout), not the 29 s an API Gateway request may wait.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	// The queue, and the DynamoDB tier holding job records, from the
	// LIFT_JOBS_* and LIFT_CACHE_* variables the stack set; a missing one
	// fails init naming it.
	cfg, err := jobs.ConfigFromEnv(context.Background(), dynamostore.Backend())
	if err != nil {
		fmt.Fprintln(os.Stderr, "reports api:", err)
		os.Exit(1)
	}
	// The API never runs the work; it shares the runner's types with the worker.
	runner, err := report.NewRunner(cfg, report.Generator{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "reports api:", err)
		os.Exit(1)
	}
	lift.StartHTTP(routes(runner))
}
