// Command liftbadsig is a real lift.Start handler with a signature
// aws-lambda-go refuses (func(int, int) error): gofunction's synth-time check
// must fail the synth with the runtime's message.
package main

import "github.com/liftcdk/lift/runtime/lift"

func handle(a, b int) error { return nil }

func main() { lift.Start(handle) }
