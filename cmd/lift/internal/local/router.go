package local

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httputil"
	"net/url"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

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
	lc := lambda.NewFromConfig(localsvc.AWSConfigAt(s.AWS))
	for _, f := range s.Funcs {
		names := []string{f.Name, f.ARN, f.Name + ":" + AliasName, f.Alias}
		// Published versions too: moto gives an event source mapping on the
		// live alias the version's ARN as its FunctionArn.
		versions, err := publishedVersions(ctx, lc, f.Name)
		if err != nil {
			fmt.Printf("function %s: its versions are not routed: %v\n", f.Name, err)
		}
		for _, v := range versions {
			names = append(names, f.Name+":"+v, f.ARN+":"+v)
		}
		for _, name := range names {
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
	feeder, err := localsvc.NewQueueFeeder(localsvc.QueueFeederOptions{AWS: localsvc.AWSConfigAt(s.AWS), Lambda: r.URL,
		Log: slog.New(slog.NewTextHandler(os.Stdout, nil))})
	if err != nil {
		_ = r.Close()
		return err
	}
	feeder.Run(ctx)
	return r.Close()
}

// publishedVersions lists the function's version numbers ($LATEST aside).
func publishedVersions(ctx context.Context, lc *lambda.Client, name string) ([]string, error) {
	var out []string
	p := lambda.NewListVersionsByFunctionPaginator(lc, &lambda.ListVersionsByFunctionInput{FunctionName: &name})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Versions {
			if v.Version != nil && *v.Version != "$LATEST" {
				out = append(out, *v.Version)
			}
		}
	}
	return out, nil
}
