package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/spf13/cobra"
)

// pollEvery is how often --follow looks for new lines.
const pollEvery = 500 * time.Millisecond

type logsOptions struct {
	follow bool
	since  time.Duration
	filter string
	level  string
	asJSON bool
}

func newLogsCmd(s *streams) *cobra.Command {
	var w where
	var o logsOptions
	c := &cobra.Command{
		Use:   "logs SERVICE|SERVICE/worker",
		Short: "Show a service's function logs, readably: time, level, message, fields, request id",
		Long: `logs prints the function's log lines: Lift's JSON records as time, level,
message, fields and request id; Embedded Metric Format lines summarised as
their metric values and dimensions; Lambda's REPORT lines. In the local cloud
it reads the emulator's log in .lift/local/logs; with --stack it reads the
function's CloudWatch Logs group. --follow keeps polling for new lines until
interrupted. --json prints one JSON object per line. SERVICE/worker is the
service's jobs worker (service.Props.Jobs); SERVICE alone is always the
service's own function.`,
		Example: `  lift logs shop
  lift logs shop --since 1h --level warn
  lift logs shop --filter coldStart --follow
  lift logs reports/worker --level warn
  lift logs orders --stack Shop --json | jq 'select(.level == "ERROR")'`,
		Args: exactArgs(1, "the service name"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return localServices(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			if levelRank(o.level) == 1 && !strings.EqualFold(o.level, "info") && o.level != "" {
				return usage("--level %q: use debug, info, warn or error", o.level)
			}
			ts, err := w.resolve(c.Context(), args)
			if err != nil {
				return err
			}
			emit := o.printer(s.out, time.Now().Add(-o.since))
			if w.stack == "" {
				return tailFile(c.Context(), ts[0].LocalLog, o.follow, emit)
			}
			group := ts[0].LogGroup
			if group == "" {
				group = "/aws/lambda/" + ts[0].Function
			}
			return tailGroup(c.Context(), cloudwatchlogs.NewFromConfig(ts[0].cfg), group, time.Now().Add(-o.since), o.follow, emit)
		},
	}
	w.flags(c)
	c.Flags().BoolVarP(&o.follow, "follow", "f", false, "keep printing new lines until interrupted")
	c.Flags().DurationVar(&o.since, "since", 10*time.Minute, "show lines from this long ago")
	c.Flags().StringVar(&o.filter, "filter", "", "show only lines containing this text")
	c.Flags().StringVar(&o.level, "level", "", "lowest level shown: debug, info, warn or error (platform and metric lines count as info)")
	c.Flags().BoolVar(&o.asJSON, "json", false, "print one JSON object per line")
	return c
}

// printer returns the function that filters, renders and prints raw lines.
func (o logsOptions) printer(out io.Writer, since time.Time) func(raw string, at time.Time) {
	var last time.Time // lines without a time of their own take the previous one's
	min := levelRank(o.level)
	enc := json.NewEncoder(out)
	return func(raw string, at time.Time) {
		l, ok := parseLogLine(raw, at)
		if !ok {
			return
		}
		if l.Time.IsZero() {
			l.Time = last
		}
		last = l.Time
		if (!l.Time.IsZero() && l.Time.Before(since)) || (o.filter != "" && !strings.Contains(raw, o.filter)) {
			return
		}
		if o.level != "" && levelRank(l.Level) < min {
			return
		}
		if o.asJSON {
			_ = enc.Encode(l)
			return
		}
		fmt.Fprintln(out, l.render())
	}
}

// tailFile reads a local log file, then with follow its new lines as they come.
func tailFile(ctx context.Context, path string, follow bool, emit func(string, time.Time)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("the function's local log: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var partial string
	for {
		line, err := r.ReadString('\n')
		if err == nil {
			emit(partial+line, time.Time{})
			partial = ""
			continue
		}
		if err != io.EOF {
			return err
		}
		partial += line // a line still being written
		if !follow {
			if partial != "" {
				emit(partial, time.Time{})
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pollEvery):
		}
	}
}

// tailGroup reads a CloudWatch Logs group from start, then with follow polls
// for newer events.
func tailGroup(ctx context.Context, cw *cloudwatchlogs.Client, group string, start time.Time, follow bool, emit func(string, time.Time)) error {
	seen := map[string]bool{}
	from := start.UnixMilli()
	for {
		in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), StartTime: aws.Int64(from)}
		pages := cloudwatchlogs.NewFilterLogEventsPaginator(cw, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("logs of %s: %w", group, err)
			}
			for _, e := range page.Events {
				id := aws.ToString(e.EventId)
				if seen[id] {
					continue
				}
				seen[id] = true
				ts := aws.ToInt64(e.Timestamp)
				from = max(from, ts)
				emit(aws.ToString(e.Message), time.UnixMilli(ts).UTC())
			}
		}
		if !follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(4 * pollEvery): // CloudWatch Logs: a gentler pace
		}
	}
}
