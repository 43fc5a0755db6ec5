// Command target is the function the prewarm integ test keeps warm: a Lift
// handler whose warm-up answer carries its process's instance id.
package main

import (
	"context"

	"github.com/liftcdk/lift/runtime/lift"
)

type request struct {
	Name string `json:"name"`
}

func main() {
	lift.Start(func(ctx context.Context, r request) (map[string]string, error) {
		return map[string]string{"hello": r.Name, "instance": lift.InstanceID()}, nil
	}, lift.OnWarmup("ready", func(context.Context) error { return nil }))
}
