// Command api answers every event with its name and logs it, so that a test
// sees which of the service's two functions it reached.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	lift.Start(func(context.Context, json.RawMessage) (map[string]string, error) {
		fmt.Fprintln(os.Stderr, "hello from api")
		return map[string]string{"function": "api"}, nil
	})
}
