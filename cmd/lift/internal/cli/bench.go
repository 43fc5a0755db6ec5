package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// benchReport is what lift bench measured.
type benchReport struct {
	Service     string  `json:"service"`
	Function    string  `json:"function"`
	Concurrency int     `json:"concurrency"`
	DurationS   float64 `json:"durationSeconds"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"` // invoke errors and function errors
	Throttles   int     `json:"throttles"`
	ColdStarts  int     `json:"coldStarts"`
	RPS         float64 `json:"requestsPerSecond"`
	// RoundTrip is the client's view; Function the REPORT line's Duration.
	RoundTrip  latency `json:"roundTripMs"`
	FunctionMs latency `json:"functionMs"`
	FirstError string  `json:"firstError,omitempty"`
}

// latency percentiles in milliseconds.
type latency struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
	N   int     `json:"n"`
}

func percentiles(v []float64) latency {
	if len(v) == 0 {
		return latency{}
	}
	slices.Sort(v)
	at := func(p float64) float64 { return v[min(len(v)-1, int(p*float64(len(v))))] }
	return latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: v[len(v)-1], N: len(v)}
}

func newBenchCmd(s *streams) *cobra.Command {
	var w where
	var ev eventFlags
	var asJSON bool
	var duration time.Duration
	var concurrency int
	c := &cobra.Command{
		Use:   "bench SERVICE|SERVICE/worker",
		Short: "Load a service's live alias for a while and report throughput and latency",
		Long: `bench invokes the service's live alias from --concurrency workers, each sending
the event again as soon as the previous answer arrives, for --duration. It
reports requests per second, round-trip latency percentiles (p50, p90, p99,
max), the function's own duration from its REPORT lines, errors, throttles
and the cold starts seen, as a table or --json. A progress bar runs on stderr.

Locally each function runs in one emulator, which serves one invocation at a
time: concurrency above 1 there shows throttling, as Lambda does at a
function's concurrency limit.

SERVICE/worker is the service's jobs worker (service.Props.Jobs); SERVICE
alone is always the service's own function.`,
		Example: `  lift bench shop --event events/hello.json --duration 10s
  lift bench shop --http "GET /hello?name=Ada" --duration 10s
  lift bench shop --stack Shop --concurrency 20 --duration 1m --json
  lift bench reports/worker --event sqs-batch.json --duration 10s`,
		Args: exactArgs(1, "the service name"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return localServices(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			if duration <= 0 || concurrency < 1 || concurrency > 1000 {
				return usage("--duration must be positive and --concurrency between 1 and 1000")
			}
			t, payload, err := w.resolveWith(c.Context(), args[0], &ev, s.in)
			if err != nil {
				return err
			}
			rep := bench(c.Context(), t, payload, duration, concurrency, s.errOut)
			if asJSON {
				return writeJSON(s.out, rep)
			}
			printBench(s.out, rep)
			return nil
		},
	}
	w.flags(c)
	ev.flags(c, false)
	ev.httpFlags(c)
	c.Flags().DurationVar(&duration, "duration", 30*time.Second, "how long to send load")
	c.Flags().IntVar(&concurrency, "concurrency", 1, "concurrent workers")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func bench(ctx context.Context, t target, payload []byte, d time.Duration, workers int, progressTo io.Writer) benchReport {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	rep := benchReport{Service: t.Service, Function: t.Function + ":" + t.Qualifier, Concurrency: workers}
	var mu sync.Mutex
	var rtts, fns []float64
	record := func(r result, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil && ctx.Err() != nil:
			return // cut off by the end of the run
		case err != nil:
			rep.Errors++
			if strings.Contains(err.Error(), "TooManyRequests") {
				rep.Throttles++
			}
			if rep.FirstError == "" {
				rep.FirstError = err.Error()
			}
			return
		case r.FunctionError != "":
			rep.Errors++
			if rep.FirstError == "" {
				rep.FirstError = r.FunctionError + ": " + string(r.Response)
			}
		}
		rep.Requests++
		rtts = append(rtts, r.DurationMs)
		if r.FunctionMs > 0 {
			fns = append(fns, r.FunctionMs)
		}
		if r.ColdStart {
			rep.ColdStarts++
		}
	}
	start := time.Now()
	stop := startProgressBar(progressTo, start, d, func() (int, int) { mu.Lock(); defer mu.Unlock(); return rep.Requests, rep.Errors })
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				record(t.invoke(ctx, payload, true))
			}
		})
	}
	wg.Wait()
	stop()
	elapsed := time.Since(start)
	rep.DurationS = elapsed.Seconds()
	rep.RPS = float64(rep.Requests) / elapsed.Seconds()
	rep.RoundTrip, rep.FunctionMs = percentiles(rtts), percentiles(fns)
	return rep
}

// startProgressBar draws a bar on a terminal (a line every 5 s elsewhere)
// until the returned stop is called.
func startProgressBar(w io.Writer, start time.Time, d time.Duration, counts func() (int, int)) (stop func()) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	every := 5 * time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				if tty {
					fmt.Fprintln(w)
				}
				return
			case <-tick.C:
			}
			el := time.Since(start)
			n, errs := counts()
			frac := min(1, el.Seconds()/d.Seconds())
			const width = 30
			bar := strings.Repeat("=", int(frac*width)) + strings.Repeat(" ", width-int(frac*width))
			line := fmt.Sprintf("[%s] %4.0fs/%.0fs  %d requests  %.1f/s  %d errors", bar, el.Seconds(), d.Seconds(), n, float64(n)/el.Seconds(), errs)
			if tty {
				fmt.Fprint(w, "\r"+line)
			} else {
				fmt.Fprintln(w, "  "+line)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func printBench(out io.Writer, r benchReport) {
	fmt.Fprintf(out, "%s: %d requests in %.1fs from %d workers: %.1f requests/s, %d errors (%d throttled), %d cold starts\n",
		r.Function, r.Requests, r.DurationS, r.Concurrency, r.RPS, r.Errors, r.Throttles, r.ColdStarts)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "LATENCY (ms)\tP50\tP90\tP99\tMAX\tN\t")
	for _, row := range []struct {
		name string
		l    latency
	}{{"round trip", r.RoundTrip}, {"function (REPORT)", r.FunctionMs}} {
		fmt.Fprintf(w, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t\n", row.name, row.l.P50, row.l.P90, row.l.P99, row.l.Max, row.l.N)
	}
	w.Flush()
	if r.FirstError != "" {
		fmt.Fprintln(out, "first error:", r.FirstError)
	}
}
