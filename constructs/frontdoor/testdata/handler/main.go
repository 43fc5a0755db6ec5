// Command handler is a minimal handler the frontdoor tests put behind a front door.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, map[string]any) (string, error) { return "ok", nil })
}
