package jobs

import (
	"context"
	"strconv"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// Namespace is tier seen as the job records of service: the Config.Status
// ConfigFromEnv builds, for a Config built by hand. A record's key is
// "<len>:<service>/jobs/<id>", apart from the service's cache keys ("<len>:<service>/-/..." or a tenant's
// "<len>:<service>/<len>:<tenant>/...") and its idempotency records
// ("<len>:<service>/idempotency/..."), so no cache key can overwrite or read
// a record.
func Namespace(tier cache.Cache, service string) cache.Cache {
	return recordKeys{tier: tier, prefix: strconv.Itoa(len(service)) + ":" + service + "/"}
}

type recordKeys struct {
	tier   cache.Cache
	prefix string
}

func (r recordKeys) Get(ctx context.Context, key string) ([]byte, error) {
	return r.tier.Get(ctx, r.prefix+key)
}

func (r recordKeys) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return r.tier.Set(ctx, r.prefix+key, value, ttl)
}

func (r recordKeys) Delete(ctx context.Context, key string) error {
	return r.tier.Delete(ctx, r.prefix+key)
}
