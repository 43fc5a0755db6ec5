package localcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
)

// CacheResult is what the cache step saw: one item read twice through the
// function's cache tiers, with the DynamoDB tier read back in between.
type CacheResult struct {
	First, Second RequestResult
	// FirstCached and SecondCached are the answers' "cached" field: false
	// when the request ran the loader, true when a tier answered.
	FirstCached, SecondCached *bool
	Table                     string       // LIFT_CACHE_TABLE
	Items                     []CachedItem // the table after the first read
	// MemoryHits is CacheHits{Tier=memory} the function reported (EMF) for
	// the second read: proof that it was served from memory, not DynamoDB.
	MemoryHits float64
}

// CachedItem is one item of the DynamoDB cache tier, as the AWS API returns it.
type CachedItem struct {
	Key       string
	ExpiresAt time.Time
	Bytes     int // size of the stored value
}

func (r *runner) cache(ctx context.Context) ([]string, error) {
	env := r.rep.Function.Env
	if env[contract.EnvCacheKind] != contract.CacheKindDynamoDB {
		return nil, fmt.Errorf("the function has %s=%q: the cache step needs a DynamoDB cache tier (cachetier.NewDynamoDB + Bind, or service.Props.DynamoDBCache)",
			contract.EnvCacheKind, env[contract.EnvCacheKind])
	}
	c := &r.rep.Cache
	c.Table = env[contract.EnvCacheTable]
	var lines []string
	read := func(res *RequestResult, cached **bool, label string) error {
		inv, err := invoke(ctx, r.rie, r.o.CacheRequest, r.o.InvokeTimeout)
		res.Invocation = inv
		if err != nil {
			return err
		}
		if *res, err = decodeRequest(inv); err != nil {
			return err
		}
		var b struct {
			Cached *bool `json:"cached"`
		}
		if json.Unmarshal(res.Body, &b) != nil || b.Cached == nil {
			return fmt.Errorf("%s: answer %s has no \"cached\" field", label, res.Body)
		}
		*cached = b.Cached
		lines = append(lines, fmt.Sprintf("%s: HTTP %d, cached=%v (%s) → %s", label, res.StatusCode, *b.Cached, ms(inv.Latency), res.Body))
		return nil
	}

	if err := read(&c.First, &c.FirstCached, "first read"); err != nil {
		return lines, err
	}
	items, err := scanCache(ctx, dynamodb.NewFromConfig(r.moto.AWSConfig()), c.Table,
		attrOr(env, contract.EnvCacheKeyAttribute, contract.DefaultCacheKeyAttribute),
		attrOr(env, contract.EnvCacheTTLAttribute, contract.DefaultCacheTTLAttribute))
	c.Items = items
	if err != nil {
		return lines, err
	}
	lines = append(lines, fmt.Sprintf("DynamoDB table %s now holds %d item(s) (read back through the AWS API):", c.Table, len(items)))
	for _, it := range items {
		lines = append(lines, fmt.Sprintf("  key %s, %d bytes, expires %s", it.Key, it.Bytes, it.ExpiresAt.UTC().Format(time.RFC3339)))
	}

	before := len(r.rie.Logs())
	if err := read(&c.Second, &c.SecondCached, "second read"); err != nil {
		return lines, err
	}
	// The function writes its metrics before answering, but they reach us
	// through the emulator's output pipe: wait for them, boundedly.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c.MemoryHits = emfSum(r.rie.Logs()[before:], contract.MetricCacheHits, contract.DimTier, contract.TierMemory)
		if c.MemoryHits > 0 || time.Now().After(deadline) {
			break
		}
	}
	lines = append(lines, fmt.Sprintf("the function reported %s{%s=%s} = %g for the second read",
		contract.MetricCacheHits, contract.DimTier, contract.TierMemory, c.MemoryHits))
	return lines, nil
}

func attrOr(env map[string]string, name, def string) string {
	if v := env[name]; v != "" {
		return v
	}
	return def
}

// scanCache reads the cache table back. A cache table is small in the demo;
// a Scan is fine there and never used on the request path.
func scanCache(ctx context.Context, db *dynamodb.Client, table, keyAttr, ttlAttr string) ([]CachedItem, error) {
	if table == "" {
		return nil, errors.New("the function's environment has no " + contract.EnvCacheTable)
	}
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		return nil, fmt.Errorf("scan cache table %s: %w", table, err)
	}
	var items []CachedItem
	for _, item := range out.Items {
		var it CachedItem
		if k, ok := item[keyAttr].(*types.AttributeValueMemberS); ok {
			it.Key = k.Value
		}
		if n, ok := item[ttlAttr].(*types.AttributeValueMemberN); ok {
			if secs, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				it.ExpiresAt = time.Unix(secs, 0)
			}
		}
		for name, v := range item {
			if b, ok := v.(*types.AttributeValueMemberB); ok && name != keyAttr {
				it.Bytes += len(b.Value)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// emfSum adds up metric name over the EMF records in logs whose dimension
// dim has value want.
func emfSum(logs, name, dim, want string) float64 {
	var sum float64
	for _, l := range LogLines(logs) {
		if _, isEMF := l.Fields["_aws"]; !isEMF || l.Fields[dim] != want {
			continue
		}
		if v, ok := l.Fields[name].(float64); ok {
			sum += v
		}
	}
	return sum
}

// QuickstartItemEvent is GET /items/ID for tenant "demo" (X-Tenant-Id) as an
// API Gateway HTTP API (payload 2.0) event: the quickstart serves it through
// the tenant's scope of its cache tiers.
func QuickstartItemEvent(id string) []byte {
	path := "/items/" + strings.TrimPrefix(id, "/")
	ev := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "GET /items/{id}",
		RawPath:  path,
		Headers:  map[string]string{"accept": "application/json", "x-tenant-id": "demo"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "liftdemo-item",
			Stage:     "$default",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}
	b, _ := json.Marshal(ev) // plain struct: cannot fail
	return b
}
