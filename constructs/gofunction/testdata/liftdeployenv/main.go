// Command liftdeployenv reads variables known only at deploy at init, as
// cache.FromEnv and jobs.ConfigFromEnv do, before lift.Start with a signature
// aws-lambda-go refuses: the synth-time check reaches the refusal only when
// it runs the handler with stand-ins for those variables.
package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	u, err := url.Parse(os.Getenv("QUEUE_URL"))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		fmt.Fprintln(os.Stderr, "QUEUE_URL is not a queue URL")
		os.Exit(1)
	}
	if !strings.HasPrefix(os.Getenv("TOPIC_ARN"), "arn:") || os.Getenv("TABLE") == "" {
		fmt.Fprintln(os.Stderr, "TOPIC_ARN or TABLE is missing")
		os.Exit(1)
	}
	lift.Start(func(int, int) error { return nil })
}
