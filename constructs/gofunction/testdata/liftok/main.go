// Command liftok is a valid lift.Start handler: gofunction's synth-time check
// passes it.
package main

import (
	"context"

	"github.com/liftcdk/lift/runtime/lift"
)

func handle(_ context.Context, name string) (string, error) { return "hello " + name, nil }

func main() { lift.Start(handle) }
