// Command worker is the reports example's job worker: the service's job
// queue feeds it (an SQS event source mapping with ReportBatchItemFailures)
// and it runs each report (report.Generator.Work), recording progress and
// the result where GET /reports/{id} reads them. A redelivered job does not
// run twice; a failed one is retried by the queue, and after the last
// attempt marked failed and left in the dead-letter queue.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	gen, err := report.GeneratorFromEnv()
	if err != nil {
		fail(err)
	}
	runner, err := report.RunnerFromEnv(context.Background(), gen)
	if err != nil {
		fail(err)
	}
	lift.Start(runner.Worker())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "reports worker:", err)
	os.Exit(1)
}
