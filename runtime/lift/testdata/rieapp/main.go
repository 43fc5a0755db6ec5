// Command rieapp is the handler the real-process test runs under RIE.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/liftcdk/lift/runtime/lift"
)

type greeting struct {
	Name  string `json:"name"`
	Panic bool   `json:"panic"`
	Pad   int    `json:"pad"` // bytes of padding in the reply, to exceed Lambda's response limit
}

type reply struct {
	Message   string `json:"message"`
	ColdStart bool   `json:"coldStart"`
}

func handle(ctx context.Context, g greeting) (reply, error) {
	if g.Panic {
		panic("requested panic")
	}
	if g.Name == "" {
		return reply{}, errors.New("name is required")
	}
	lift.Logger(ctx).Info("greeting", "name", g.Name)
	return reply{Message: fmt.Sprintf("hello, %s", g.Name) + strings.Repeat(" ", g.Pad), ColdStart: lift.ColdStart(ctx)}, nil
}

func main() {
	lift.Start(handle,
		lift.OnWarmup("prime", func(context.Context) error { return nil }),
		lift.WithHealthCheck("self", func(context.Context) error { return nil }),
		lift.OnShutdown("close-first-registered", func(ctx context.Context) error {
			lift.Logger(ctx).Info("rieapp: close-first-registered ran")
			return nil
		}),
		lift.OnShutdown("flush-last-registered", func(ctx context.Context) error {
			lift.Logger(ctx).Info("rieapp: flush-last-registered ran")
			return nil
		}),
	)
}
