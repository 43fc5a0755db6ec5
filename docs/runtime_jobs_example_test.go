package docs_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/lift"
)

type ReportRequest struct {
	Month string `json:"month"`
}

type MonthlyReport struct {
	Month string `json:"month"`
	Rows  int    `json:"rows"`
}

// must ends the init with a logged error, which Lambda reports and retries.
func must[T any](v T, err error) T {
	if err != nil {
		slog.Error("init", "error", err)
		os.Exit(1)
	}
	return v
}

func buildReport(ctx context.Context, in ReportRequest, report jobs.Report) (MonthlyReport, error) {
	for done := 25; done <= 100; done += 25 {
		if err := report(ctx, done, "rows read"); err != nil {
			return MonthlyReport{}, err
		}
	}
	return MonthlyReport{Month: in.Month, Rows: 1200}, nil
}

func reportJobs() *jobs.Runner[ReportRequest, MonthlyReport] {
	cfg := must(jobs.ConfigFromEnv(context.Background(), dynamostore.Backend()))
	cfg.StatusURL = func(id string) string { return "/reports/" + id }
	return must(jobs.New(cfg, buildReport))
}

// Example_jobsAPI is the API side: submit and poll.
func Example_jobsAPI() {
	runner := reportJobs()
	mux := http.NewServeMux()
	mux.Handle("POST /reports", runner.SubmitHandler())     // 202, Location: /reports/{id}
	mux.Handle("GET /reports/{id}", runner.StatusHandler()) // queued, running (with progress), succeeded or failed
	lift.StartHTTP(mux)
}

// Example_jobsWorker is the worker: the queue's event source.
func Example_jobsWorker() {
	runner := reportJobs()
	lift.Start(runner.Worker())
}
