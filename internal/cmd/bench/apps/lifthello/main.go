// Command lifthello is the smallest Lift handler: the binary-size and
// init-time comparison against barehello measures what lift.Start adds.
package main

import (
	"context"

	"github.com/liftcdk/lift/runtime/lift"
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

func main() { lift.Start(hello) }
