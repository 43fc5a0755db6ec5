// Command barehello is the same handler as lifthello on bare aws-lambda-go:
// the baseline of the binary-size and init-time comparison.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Name string `json:"name"`
}

type response struct {
	Message string `json:"message"`
}

func hello(_ context.Context, r request) (response, error) {
	return response{Message: "hello, " + r.Name}, nil
}

func main() { lambda.Start(hello) }
