// Command badsig calls lift.Start with a handler aws-lambda-go refuses (two
// arguments, the first not a context.Context), for the LIFT_CHECK test.
package main

import "github.com/liftcdk/lift/runtime/lift"

func handle(name string, times int) error { return nil }

func main() {
	lift.Start(handle)
}
