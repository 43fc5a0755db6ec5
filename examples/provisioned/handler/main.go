// Command handler is the provisioned-concurrency example's function: it
// answers {"name":"..."} with a greeting, and says whether its environment was
// initialized ahead of time (provisioned concurrency) or on demand.
package main

import (
	"context"
	"os"

	"github.com/liftcdk/lift/runtime/lift"
)

// Request is the function's event.
type Request struct {
	Name string `json:"name"`
}

// Response is the function's answer.
type Response struct {
	Message  string `json:"message"`
	InitType string `json:"initType"` // provisioned-concurrency or on-demand
	Instance string `json:"instance"`
}

func main() {
	lift.Start(func(ctx context.Context, r Request) (Response, error) {
		name := r.Name
		if name == "" {
			name = "world"
		}
		return Response{
			Message:  "hello, " + name,
			InitType: os.Getenv("AWS_LAMBDA_INITIALIZATION_TYPE"),
			Instance: lift.InstanceID(),
		}, nil
	})
}
