// Command lift is Lift's command-line tool: scaffold a CDK app in Go
// (lift new), run it in a local cloud (lift local up), and invoke, check,
// read the logs of and load-test its services locally or on AWS. Run
// `lift --help` for the commands and docs/cli.md for the reference.
package main

import (
	"os"

	"github.com/liftcdk/lift/cmd/lift/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
