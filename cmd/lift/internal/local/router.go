package local

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httputil"
	"net/url"
	"os"

	"github.com/liftcdk/lift/internal/localsvc"
)

// ServeRouter serves the local Lambda endpoint of the app in dir on listen
// until ctx ends: Invoke for every function of the state (by name or ARN,
// plain or with the live alias) on its emulator, every other request passed
// to moto. It also feeds each SQS event source mapping's queue to its
// function (localsvc.QueueFeeder), logging each delivery. It is what
// `lift local up` runs in the background.
func ServeRouter(ctx context.Context, dir, listen string) error {
	s, err := Load(dir)
	if err != nil {
		return err
	}
	routes := localsvc.LambdaRoutes{}
	logs := map[string]string{}
	for _, f := range s.Funcs {
		for _, name := range []string{f.Name, f.ARN, f.Name + ":" + AliasName, f.Alias} {
			routes[name] = []string{f.URL}
		}
		logs[f.URL] = f.Proc.Log
	}
	moto, err := url.Parse(s.AWS)
	if err != nil {
		return fmt.Errorf("state: moto endpoint %q: %w", s.AWS, err)
	}
	r, err := localsvc.NewLambdaRouter(routes, localsvc.LambdaRouterOptions{LogFiles: logs, Fallback: httputil.NewSingleHostReverseProxy(moto)})
	if err != nil {
		return err
	}
	if err := r.Listen(listen); err != nil {
		return err
	}
	fmt.Printf("local Lambda endpoint %s: %d routes\n", r.URL, len(routes))
	// The queues of SQS event source mappings are fed from here, the process
	// that lives as long as the local cloud, through this endpoint.
	feeder := localsvc.NewQueueFeeder(localsvc.QueueFeederOptions{AWS: localsvc.AWSConfigAt(s.AWS), Lambda: r.URL,
		Log: slog.New(slog.NewTextHandler(os.Stdout, nil))})
	feeder.Run(ctx)
	return r.Close()
}
