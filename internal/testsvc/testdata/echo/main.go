// Command echo is a bare aws-lambda-go handler that testsvc's own tests run
// under the emulator: it echoes the event and a few environment variables,
// and logs when SIGTERM reaches it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

type response struct {
	Event    json.RawMessage `json:"event"`
	Var      string          `json:"var"`
	InitType string          `json:"initType"`
	Function string          `json:"function"`
	PID      int             `json:"pid"`
}

func handle(_ context.Context, event json.RawMessage) (response, error) {
	return response{
		Event:    event,
		Var:      os.Getenv("TESTSVC_VAR"),
		InitType: os.Getenv("AWS_LAMBDA_INITIALIZATION_TYPE"),
		Function: os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
		PID:      os.Getpid(),
	}, nil
}

func main() {
	lambda.StartWithOptions(handle, lambda.WithEnableSIGTERM(func() {
		fmt.Println("echo: SIGTERM received")
	}))
}
