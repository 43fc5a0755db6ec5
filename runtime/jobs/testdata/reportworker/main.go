// Command reportworker is the jobs worker the emulator tests run. Its work
// appends "started MONTH" and "completed MONTH" lines to $RUNS_FILE, so a
// test counts the runs of each job; see work for how the month steers it.
package main

import (
	"context"
	"log/slog"
	"os"
	"strings"

	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/jobs"
	"github.com/liftcdk/lift/runtime/lift"
)

type request struct {
	Month string `json:"month"`
}

type report struct {
	Month string `json:"month"`
	Rows  int    `json:"rows"`
}

// record appends line to $RUNS_FILE and returns how many lines equal it.
func record(line string) (int, error) {
	f, err := os.OpenFile(os.Getenv("RUNS_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(os.Getenv("RUNS_FILE"))
	return strings.Count(string(b), line+"\n"), err
}

// work's behaviour follows the month it is asked for: "fail..." always fails,
// "hang-once" hangs on its first run; any other month completes.
func work(ctx context.Context, in request, progress jobs.Report) (report, error) {
	n, err := record("started " + in.Month)
	if err != nil {
		return report{}, err
	}
	if err := progress(ctx, 10, "reading rows"); err != nil {
		return report{}, err
	}
	switch {
	case strings.HasPrefix(in.Month, "fail"):
		return report{}, &jobs.PublicError{Message: "no data for this month"}
	case in.Month == "hang-once" && n == 1:
		<-ctx.Done() // the test kills the environment, or the invocation times out
		return report{}, ctx.Err()
	}
	if _, err := record("completed " + in.Month); err != nil {
		return report{}, err
	}
	return report{Month: in.Month, Rows: 1200}, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		slog.Error("reportworker init", "error", err)
		os.Exit(1)
	}
	return v
}

func main() {
	cfg := must(jobs.ConfigFromEnv(context.Background(), dynamostore.Backend()))
	cfg.StatusURL = func(id string) string { return "/reports/" + id }
	lift.Start(must(jobs.New(cfg, work)).Worker())
}
