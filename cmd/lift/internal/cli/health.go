package cli

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/internal/contract"
)

// healthRow is one service's answer to a health event.
type healthRow struct {
	Service    string                   `json:"service"`
	Status     string                   `json:"status"` // pass, warn, fail
	DurationMs float64                  `json:"durationMs"`
	Checks     []healthCheck            `json:"checks"`
	Error      string                   `json:"error,omitempty"`
	Report     *contract.HealthResponse `json:"report,omitempty"`
}

type healthCheck struct {
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	DurationMs float64 `json:"durationMs"`
}

func newHealthCmd(s *streams) *cobra.Command {
	var w where
	var ev eventFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "health [SERVICE...]",
		Short: "Send the health event to each service's live alias and show every check",
		Long: `health sends {"lift":"health"} to each service (every Lift service of the local
cloud or of --stack when none is named), in parallel, and prints a table:
service, status (pass, warn, fail), each check with its status and duration,
and the round trip. Exits 1 when any service fails or cannot be reached.
A service's jobs worker (service.Props.Jobs) answers health events too: it
has a row of its own, SERVICE/worker, and can be named so.`,
		Example: `  lift health
  lift health orders inventory
  lift health reports reports/worker
  lift health --stack Shop --json`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return localServices(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			ts, err := w.resolve(c.Context(), args)
			if err != nil {
				return err
			}
			ev.health = true
			payload, _ := ev.payload(nil) // a control event: no input to fail on
			rows := make([]healthRow, len(ts))
			var wg sync.WaitGroup
			for i, t := range ts {
				wg.Go(func() {
					r, err := t.invoke(c.Context(), payload, false)
					rows[i] = healthOf(t.Service, r, err)
				})
			}
			wg.Wait()
			if asJSON {
				if err := writeJSON(s.out, rows); err != nil {
					return err
				}
			} else {
				printHealth(s, rows)
			}
			var bad []string
			for _, r := range rows {
				if r.Status == contract.StatusFail {
					bad = append(bad, r.Service)
				}
			}
			if len(bad) > 0 {
				return failed("unhealthy: %s", strings.Join(bad, ", "))
			}
			return nil
		},
	}
	w.flags(c)
	ev.flags(c, false)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// healthOf reads a health answer; anything but a report counts as fail.
func healthOf(service string, r result, err error) healthRow {
	row := healthRow{Service: service, Status: contract.StatusFail, DurationMs: r.DurationMs}
	var rep contract.HealthResponse
	switch {
	case err != nil:
		row.Error = err.Error()
	case r.FunctionError != "":
		row.Error = "function error: " + string(r.Response)
	case json.Unmarshal(r.Response, &rep) != nil || rep.Status == "":
		row.Error = "not a health report: " + string(r.Response)
	default:
		row.Status, row.Report = rep.Status, &rep
		for _, name := range slices.Sorted(maps.Keys(rep.Checks)) {
			for _, c := range rep.Checks[name] {
				row.Checks = append(row.Checks, healthCheck{Name: name, Status: c.Status, DurationMs: c.ObservedValue})
			}
		}
	}
	return row
}

func printHealth(s *streams, rows []healthRow) {
	w := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tSTATUS\tCHECKS\tDURATION")
	for _, r := range rows {
		var checks []string
		for _, c := range r.Checks {
			checks = append(checks, fmt.Sprintf("%s=%s (%.1f ms)", c.Name, c.Status, c.DurationMs))
		}
		if r.Error != "" {
			checks = append(checks, r.Error)
		}
		if len(checks) == 0 {
			checks = []string{"-"}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.1f ms\n", r.Service, r.Status, strings.Join(checks, ", "), r.DurationMs)
	}
	w.Flush()
	// A health answer carries no error text (it may name hosts or users):
	// the function logs why a check did not pass.
	for _, r := range rows {
		if r.Report != nil && r.Status != contract.StatusPass {
			fmt.Fprintf(s.out, "why %s is %s: lift logs %s --level warn\n", r.Service, r.Status, r.Service)
		}
	}
}
