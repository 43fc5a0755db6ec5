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
	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	// The API never runs the work: it submits jobs and reads their records.
	runner, err := report.RunnerFromEnv(context.Background(), report.Generator{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "reports api:", err)
		os.Exit(1)
	}
	lift.StartHTTP(routes(runner))
}
