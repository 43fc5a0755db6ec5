package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/cmd/lift/internal/apigw"
	"github.com/liftcdk/lift/internal/contract"
)

// result is one invocation, as lift invoke prints it.
type result struct {
	Service       string          `json:"service"`
	Function      string          `json:"function"`
	StatusCode    int32           `json:"statusCode"`
	FunctionError string          `json:"functionError,omitempty"`
	Response      json.RawMessage `json:"response"`
	// DurationMs is the round trip; FunctionMs the function's own duration
	// from its REPORT line (0 when the log tail had none).
	DurationMs float64 `json:"durationMs"`
	FunctionMs float64 `json:"functionMs,omitempty"`
	ColdStart  bool    `json:"coldStart"`
	LogTail    string  `json:"logTail,omitempty"`
}

var (
	reportDuration = regexp.MustCompile(`REPORT RequestId: \S+.*?\tDuration: ([0-9.]+) ms`)
	// Lift's runtime writes a ColdStart metric on a cold start; Lambda's
	// REPORT line has an Init Duration then.
	coldStartEMF = regexp.MustCompile(`"ColdStart":\s*1\b`)
)

// invoke sends payload to t's alias; with tail the log tail is asked for
// and read for the function's duration and the cold start.
func (t target) invoke(ctx context.Context, payload []byte, tail bool) (result, error) {
	in := &lambda.InvokeInput{FunctionName: aws.String(t.Function), Qualifier: aws.String(t.Qualifier), Payload: payload}
	if tail {
		in.LogType = types.LogTypeTail
	}
	start := time.Now()
	out, err := t.client.Invoke(ctx, in)
	r := result{Service: t.Service, Function: t.Function + ":" + t.Qualifier, DurationMs: ms(time.Since(start))}
	if err != nil {
		return r, fmt.Errorf("invoke %s: %w", r.Function, err)
	}
	r.StatusCode, r.FunctionError = out.StatusCode, aws.ToString(out.FunctionError)
	r.Response = json.RawMessage(out.Payload)
	if !json.Valid(out.Payload) {
		r.Response, _ = json.Marshal(string(out.Payload)) // a string cannot fail to marshal
	}
	if out.LogResult != nil {
		b, err := base64.StdEncoding.DecodeString(*out.LogResult)
		if err == nil {
			r.LogTail = string(b)
		}
		if m := reportDuration.FindStringSubmatch(r.LogTail); m != nil {
			r.FunctionMs, _ = strconv.ParseFloat(m[1], 64)
		}
		r.ColdStart = coldStartEMF.MatchString(r.LogTail) || strings.Contains(r.LogTail, "Init Duration")
	}
	return r, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// eventFlags choose what to send: a file, stdin, a control event, or an
// HTTP request as an HTTP API event.
type eventFlags struct {
	file           string
	warmup, health bool
	token          string
	http, data     string
	headers        []string
}

func (e *eventFlags) flags(c *cobra.Command, control bool) {
	c.Flags().StringVar(&e.file, "event", "", "the event: a JSON file, or - for stdin (default: {})")
	if control {
		c.Flags().BoolVar(&e.warmup, "warmup", false, `send a warm-up event {"lift":"warmup"}`)
		c.Flags().BoolVar(&e.health, "health", false, `send a health event {"lift":"health"}`)
		c.MarkFlagsMutuallyExclusive("event", "warmup", "health")
	}
	c.Flags().StringVar(&e.token, "token", os.Getenv("LIFT_CONTROL_TOKEN"), "control token for warm-up and health events (default: $LIFT_CONTROL_TOKEN)")
	_ = c.MarkFlagFilename("event", "json")
}

// httpFlags add --http, --data and --header: an HTTP request sent as the
// HTTP API (payload 2.0) event API Gateway would send.
func (e *eventFlags) httpFlags(c *cobra.Command) {
	c.Flags().StringVar(&e.http, "http", "", `send an HTTP request as an HTTP API event: "METHOD /path?query"`)
	c.Flags().StringVar(&e.data, "data", "", "the request body with --http: text, or @file")
	c.Flags().StringArrayVar(&e.headers, "header", nil, `a request header with --http, "Name: value" (repeatable)`)
	c.MarkFlagsMutuallyExclusive("event", "http")
}

// httpPayload is --http's request as an HTTP API event. A JSON body gets
// Content-Type application/json unless a --header sets it.
func (e *eventFlags) httpPayload() ([]byte, error) {
	method, target, ok := strings.Cut(strings.TrimSpace(e.http), " ")
	target = strings.TrimSpace(target)
	if !ok || method == "" || !strings.HasPrefix(target, "/") {
		return nil, usage(`--http %q: want "METHOD /path", e.g. "POST /orders" or "GET /items?limit=5"`, e.http)
	}
	body := []byte(e.data)
	if name, isFile := strings.CutPrefix(e.data, "@"); isFile {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		body = b
	}
	r, err := http.NewRequest(strings.ToUpper(method), "http://localhost"+target, nil)
	if err != nil {
		return nil, usage("--http %q: %v", e.http, err)
	}
	for _, h := range e.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, usage(`--header %q: want "Name: value"`, h)
		}
		r.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if len(body) > 0 && json.Valid(body) && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	b, err := json.Marshal(apigw.Event(r, body, "lift-invoke"))
	if err != nil {
		return nil, err
	}
	if len(b) > 6<<20 {
		return nil, usage("--data: the event is larger than Lambda's 6 MB synchronous payload limit")
	}
	return b, nil
}

func (e *eventFlags) payload(stdin io.Reader) ([]byte, error) {
	if (e.data != "" || len(e.headers) > 0) && e.http == "" {
		return nil, usage("--data and --header go with --http")
	}
	switch {
	case e.http != "":
		return e.httpPayload()
	case e.warmup:
		return controlEvent(contract.ControlWarmup, e.token), nil
	case e.health:
		return controlEvent(contract.ControlHealth, e.token), nil
	case e.file == "":
		return []byte("{}"), nil
	}
	var b []byte
	var err error
	if e.file == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, 6<<20+1))
	} else {
		b, err = os.ReadFile(e.file)
	}
	if err != nil {
		return nil, fmt.Errorf("--event: %w", err)
	}
	if len(b) > 6<<20 {
		return nil, usage("--event %s: larger than Lambda's 6 MB synchronous payload limit", e.file)
	}
	if !json.Valid(b) {
		return nil, usage("--event %s: not valid JSON", e.file)
	}
	return b, nil
}

func controlEvent(kind, token string) []byte {
	b, _ := json.Marshal(contract.HealthEvent{Lift: kind, Token: token}) // same shape for both; cannot fail
	return b
}

func newInvokeCmd(s *streams) *cobra.Command {
	var w where
	var ev eventFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "invoke SERVICE|SERVICE/worker",
		Short: "Invoke a service's live alias, locally or in a deployed stack",
		Long: `invoke sends one event to the service's function through its live alias: in
the local cloud of the app in this folder (default), or in a deployed stack
(--stack, with the AWS SDK's usual credentials, --profile and --region).
SERVICE/worker names the service's jobs worker (service.Props.Jobs), which
shares the service's LIFT_SERVICE; SERVICE alone is always the service's own
function.

The function's answer goes to stdout; the round trip, the function's own
duration (its REPORT line), whether this was a cold start and the log tail go
to stderr. --json prints all of it as one JSON object on stdout. Exits 1 when
the function answered with an error.`,
		Example: `  lift invoke shop --event events/hello.json
  lift invoke shop --http "GET /hello?name=Ada"
  lift invoke reports --http "POST /reports" --data '{"month":"2026-11"}'
  echo '{"rawPath":"/hello","requestContext":{"http":{"method":"GET"}}}' | lift invoke shop --event -
  lift invoke shop --warmup
  lift invoke reports/worker --health
  lift invoke shop --stack Shop --profile prod --region eu-west-1 --event events/hello.json
  lift invoke shop --health --json | jq .response.status`,
		Args: exactArgs(1, "the service name"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return localServices(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			t, payload, err := w.resolveWith(c.Context(), args[0], &ev, s.in)
			if err != nil {
				return err
			}
			r, err := t.invoke(c.Context(), payload, true)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(s.out, r); err != nil {
					return err
				}
			} else {
				printResult(s, r)
			}
			if r.FunctionError != "" {
				return failed("%s answered with a function error (%s)", r.Function, r.FunctionError)
			}
			return nil
		},
	}
	w.flags(c)
	ev.flags(c, true)
	ev.httpFlags(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print the answer, durations, cold start and log tail as JSON")
	return c
}

func printResult(s *streams, r result) {
	var pretty bytes.Buffer
	if json.Indent(&pretty, r.Response, "", "  ") != nil {
		pretty.Write(r.Response)
	}
	fmt.Fprintln(s.out, pretty.String())
	fmt.Fprintf(s.errOut, "\n%s: round trip %.1f ms", r.Function, r.DurationMs)
	if r.FunctionMs > 0 {
		fmt.Fprintf(s.errOut, ", function %.2f ms", r.FunctionMs)
	}
	fmt.Fprintf(s.errOut, ", cold start: %v", r.ColdStart)
	if r.FunctionError != "" {
		fmt.Fprintf(s.errOut, ", function error: %s", r.FunctionError)
	}
	fmt.Fprintln(s.errOut)
	if r.LogTail != "" {
		fmt.Fprintf(s.errOut, "--- log tail ---\n%s", r.LogTail)
		if !strings.HasSuffix(r.LogTail, "\n") {
			fmt.Fprintln(s.errOut)
		}
	}
}

// localServices lists the services of the local cloud here, for completion.
func localServices() []string {
	ts, err := (&where{}).resolveLocal(nil)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range ts {
		out = append(out, t.Service)
	}
	return out
}
