package dynamocache_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/cachetest"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/metrics"
)

// countingAPI counts round trips through the interface the tier uses.
type countingAPI struct {
	dynamocache.API
	gets, puts, deletes atomic.Int64
}

func (c *countingAPI) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	return c.API.GetItem(ctx, in, o...)
}

func (c *countingAPI) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.puts.Add(1)
	return c.API.PutItem(ctx, in, o...)
}

func (c *countingAPI) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.deletes.Add(1)
	return c.API.DeleteItem(ctx, in, o...)
}

var (
	motoOnce   sync.Once
	motoClient *dynamodb.Client
	motoTable  string
)

// table starts one moto server for the package's tests and creates the cache
// table the way constructs/cachetier does: string partition key, TTL on.
func table(t *testing.T) (*dynamodb.Client, string) {
	t.Helper()
	testsvc.Tool(t, "moto_server") // missing: every test that needs it skips (or fails in CI) alike
	motoOnce.Do(func() {
		m := testsvc.Moto(&packageTB{TB: t})
		client := dynamodb.NewFromConfig(m.AWSConfig(t))
		name := "lift-cache-test"
		ctx := context.Background()
		_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            &name,
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(contract.DefaultCacheKeyAttribute), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(contract.DefaultCacheKeyAttribute), KeyType: types.KeyTypeHash}},
		})
		if err != nil {
			t.Fatalf("create table on moto: %v", err)
		}
		_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &name,
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(contract.DefaultCacheTTLAttribute), Enabled: aws.Bool(true)}})
		if err != nil {
			t.Fatalf("enable TTL on moto: %v", err)
		}
		motoClient, motoTable = client, name
	})
	if motoClient == nil {
		t.Fatal("moto server did not start (see the first test's failure); run make setup")
	}
	return motoClient, motoTable
}

func newTier(t *testing.T, opts ...dynamocache.Option) (*dynamocache.Cache, *countingAPI) {
	t.Helper()
	client, name := table(t)
	api := &countingAPI{API: client}
	c, err := dynamocache.New(api, name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func TestConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache { c, _ := newTier(t); return c })
}

func TestTieredConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache { return tiered(t, nil) })
}

func tiered(t *testing.T, api **countingAPI) *cache.Tiered {
	t.Helper()
	c, a := newTier(t)
	if api != nil {
		*api = a
	}
	w := metrics.New(io.Discard, "Test")
	mem, err := cache.NewMemory(cache.WithMetrics(w))
	if err != nil {
		t.Fatal(err)
	}
	tc, err := cache.NewTiered(mem, c, cache.WithMetrics(w), cache.WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// TestRoundTripsPerRequest: 0 DynamoDB calls on a memory hit, exactly 1 read
// on a memory miss that hits DynamoDB.
func TestRoundTripsPerRequest(t *testing.T) {
	var api *countingAPI
	tc := tiered(t, &api)
	ctx := context.Background()
	load := func(context.Context) (string, error) { return "loaded", nil }
	if _, err := cache.GetOrLoad(ctx, tc, "rt", time.Minute, load); err != nil { // miss: read + write
		t.Fatal(err)
	}
	before := api.gets.Load() + api.puts.Load() + api.deletes.Load()
	for range 100 {
		if v, err := cache.GetOrLoad(ctx, tc, "rt", time.Minute, load); err != nil || v != "loaded" {
			t.Fatalf("%q, %v", v, err)
		}
	}
	if d := api.gets.Load() + api.puts.Load() + api.deletes.Load() - before; d != 0 {
		t.Fatalf("100 memory hits made %d DynamoDB calls, want 0", d)
	}
	if err := tc.Memory().Delete(ctx, "rt"); err != nil { // as on a fresh instance
		t.Fatal(err)
	}
	g0, p0 := api.gets.Load(), api.puts.Load()
	if v, err := cache.GetOrLoad(ctx, tc, "rt", time.Minute, func(context.Context) (string, error) {
		return "", errors.New("loader must not run on an L2 hit")
	}); err != nil || v != "loaded" {
		t.Fatalf("L2 hit: %q, %v", v, err)
	}
	if g, p := api.gets.Load()-g0, api.puts.Load()-p0; g != 1 || p != 0 {
		t.Fatalf("memory miss served by DynamoDB: %d reads, %d writes; want 1 read, 0 writes", g, p)
	}
	t.Logf("DynamoDB round trips: memory hit 0, memory miss + L2 hit 1 read")
}

func TestValueTooLarge(t *testing.T) {
	c, api := newTier(t)
	err := c.Set(context.Background(), "big", make([]byte, dynamocache.MaxItemBytes), time.Minute)
	if !errors.Is(err, cache.ErrValueTooLarge) || !strings.Contains(err.Error(), "400") {
		t.Fatalf("oversized value: %v, want ErrValueTooLarge naming the limit", err)
	}
	if api.puts.Load() != 0 {
		t.Fatal("an oversized value was sent to DynamoDB")
	}
	// Just under the limit is sent: attribute names and the key count, nothing
	// else. (moto approximates the limit at 405000 bytes, so this runs against
	// a recording API rather than the server.)
	rec := &recordingAPI{}
	c2, err := dynamocache.New(rec, "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Set(context.Background(), "near", make([]byte, dynamocache.MaxItemBytes-50), time.Minute); err != nil {
		t.Fatalf("value just under the limit: %v", err)
	}
	if rec.puts != 1 {
		t.Fatalf("value just under the limit was not sent")
	}
}

type recordingAPI struct {
	dynamocache.API
	puts int
}

func (r *recordingAPI) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r.puts++
	return &dynamodb.PutItemOutput{}, nil
}

func TestInvalidKeys(t *testing.T) {
	c, api := newTier(t)
	for _, k := range []string{"", strings.Repeat("k", dynamocache.MaxKeyBytes+1), "bad\xffutf8"} {
		if err := c.Set(context.Background(), k, []byte("v"), time.Minute); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("Set(%.20q): %v, want ErrInvalidKey", k, err)
		}
		if _, err := c.Get(context.Background(), k); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("Get(%.20q): %v, want ErrInvalidKey", k, err)
		}
	}
	if n := api.gets.Load() + api.puts.Load(); n != 0 {
		t.Fatalf("invalid keys reached DynamoDB %d times", n)
	}
}

// DynamoDB deletes expired items lazily; the tier must not serve them.
func TestExpiredItemNotServed(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	c, _ := newTier(t, dynamocache.WithClock(clock))
	ctx := context.Background()
	if err := c.Set(ctx, "lazy", []byte("v"), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, exp, err := c.GetWithExpiry(ctx, "lazy")
	if err != nil {
		t.Fatal(err)
	}
	if exp.Before(now.Add(10*time.Second)) || exp.After(now.Add(11*time.Second)) {
		t.Fatalf("expiry %v not in [now+10s, now+11s]: must round up to whole seconds", exp.Sub(now))
	}
	now = now.Add(12 * time.Second) // the item is still in the table
	if _, err := c.Get(ctx, "lazy"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("expired item: %v, want ErrNotFound", err)
	}
}

func TestForeignItemIsCorrupt(t *testing.T) {
	client, name := table(t)
	c, _ := newTier(t)
	_, err := client.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &name, Item: map[string]types.AttributeValue{
		contract.DefaultCacheKeyAttribute: &types.AttributeValueMemberS{Value: "foreign"},
		"v":                               &types.AttributeValueMemberS{Value: "a string, not bytes"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "foreign"); !errors.Is(err, cache.ErrCorruptEntry) {
		t.Fatalf("foreign item: %v, want ErrCorruptEntry", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) cache.LookupEnv {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cfg, err := dynamocache.ConfigFromEnv(env(map[string]string{contract.EnvCacheTable: "t"}))
	if err != nil || cfg != (dynamocache.Config{Table: "t", KeyAttribute: contract.DefaultCacheKeyAttribute, TTLAttribute: contract.DefaultCacheTTLAttribute}) {
		t.Fatalf("%+v, %v", cfg, err)
	}
	_, err = dynamocache.ConfigFromEnv(env(map[string]string{contract.EnvCacheKeyAttribute: "x", contract.EnvCacheTTLAttribute: "x"}))
	if !errors.Is(err, cache.ErrInvalidConfig) || !strings.Contains(err.Error(), contract.EnvCacheTable) || !strings.Contains(err.Error(), contract.EnvCacheTTLAttribute) {
		t.Fatalf("want an error naming %s and %s, got %v", contract.EnvCacheTable, contract.EnvCacheTTLAttribute, err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	client, _ := table(t)
	for i, tc := range []struct {
		table string
		opts  []dynamocache.Option
	}{
		{"", nil},
		{"t", []dynamocache.Option{dynamocache.WithKeyAttribute("v")}},
		{"t", []dynamocache.Option{dynamocache.WithTTLAttribute("pk")}},
	} {
		if _, err := dynamocache.New(client, tc.table, tc.opts...); !errors.Is(err, cache.ErrInvalidConfig) {
			t.Errorf("case %d: %v, want ErrInvalidConfig", i, err)
		}
	}
}

// TestPing: one GetItem (the API interface holds only the three item actions
// cachetier grants) answers nil for the cache table and an error naming the
// table when the table does not exist.
func TestPing(t *testing.T) {
	client, name := table(t)
	for _, tc := range []struct {
		table   string
		wantErr bool
	}{
		{name, false},
		{"lift-cache-missing", true},
	} {
		t.Run(tc.table, func(t *testing.T) {
			api := &countingAPI{API: client}
			c, err := dynamocache.New(api, tc.table)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = c.Ping(ctx)
			if tc.wantErr != (err != nil) || err != nil && !strings.Contains(err.Error(), tc.table) {
				t.Fatalf("Ping of %s: %v; want error %v, naming the table", tc.table, err, tc.wantErr)
			}
			if api.gets.Load() != 1 || api.puts.Load()+api.deletes.Load() != 0 {
				t.Fatalf("Ping made %d reads and %d writes; want exactly 1 GetItem", api.gets.Load(), api.puts.Load()+api.deletes.Load())
			}
			t.Logf("Ping of %s: %v", tc.table, err)
		})
	}
}
