// Command handler is the quickstart's function: a small JSON API over HTTP-API
// style events (API Gateway HTTP API v2 or a Lambda function URL), run by
// lift.Start with a warm-up hook, a health check and a shutdown hook.
package main

import (
	"context"

	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	catalog := newCatalog(seedItems())
	api := newAPI(catalog)
	lift.Start(api.Handle,
		// Pre-warming builds the catalog's index before the first real
		// request needs it; a warm-up event triggers it once per process.
		lift.OnWarmup("catalog", catalog.Warm),
		lift.WithHealthCheck("catalog", catalog.Check),
		lift.OnShutdown("report", func(ctx context.Context) error {
			lift.Logger(ctx).Info("shutdown hook ran", "served", api.Served())
			return nil
		}),
	)
}
