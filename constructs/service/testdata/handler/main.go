// Command handler is the smallest Lift handler, used to synthesize services in tests.
package main

import (
	"context"

	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	lift.Start(func(context.Context, map[string]any) (string, error) { return "ok", nil })
}
