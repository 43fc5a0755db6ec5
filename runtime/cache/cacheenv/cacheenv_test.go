package cacheenv_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/cacheenv"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
	"github.com/liftcdk/lift/runtime/metrics"
)

func envOf(m map[string]string) cache.LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func quiet() cache.Option { return cache.WithMetrics(metrics.New(io.Discard, "Test")) }

// The DynamoDB tier built from the contract's variables alone (plus the SDK's
// own AWS_* variables pointing at moto), as a deployed function would.
func TestFromEnvDynamoDB(t *testing.T) {
	m := testsvc.Moto(t)
	for _, kv := range m.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	client := dynamodb.NewFromConfig(m.AWSConfig(t))
	ctx := context.Background()
	if _, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("cache"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	c, err := cacheenv.FromEnv(ctx, quiet(), cache.WithLookupEnv(envOf(map[string]string{
		contract.EnvService: "orders", contract.EnvCacheKind: "dynamodb", contract.EnvCacheTable: "cache",
		contract.EnvCacheKeyAttribute: "id", contract.EnvCacheTTLAttribute: "ttl", contract.EnvCacheTimeout: "2s",
	})))
	if err != nil {
		t.Fatal(err)
	}
	tc, ok := c.Unwrap().(*cache.Tiered)
	if !ok {
		t.Fatalf("built %T, want a tiered cache", c.Unwrap())
	}
	if _, ok := tc.L2().(*dynamocache.Cache); !ok {
		t.Fatalf("L2 is %T", tc.L2())
	}
	v, err := cache.GetOrLoad(ctx, c, "order-1", time.Minute, func(context.Context) (string, error) { return "loaded", nil })
	if err != nil || v != "loaded" {
		t.Fatalf("%q, %v", v, err)
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("cache"),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: c.Key("order-1")}}})
	if err != nil || out.Item == nil || out.Item["ttl"] == nil {
		t.Fatalf("item under the namespaced key %q with a ttl attribute: %v, %v", c.Key("order-1"), out.Item, err)
	}
}

func TestFromEnvValkeyCluster(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{Cluster: true})
	ctx := context.Background()
	c, err := cacheenv.FromEnv(ctx, quiet(), cache.WithLookupEnv(envOf(map[string]string{
		contract.EnvService: "orders", contract.EnvCacheKind: "valkey", contract.EnvCacheEndpoint: r.Addr,
		contract.EnvCacheCluster: "true", contract.EnvCacheTLS: "false", contract.EnvCacheAuth: "none",
	})))
	if err != nil {
		t.Fatal(err)
	}
	tc := c.Unwrap().(*cache.Tiered)
	vc, ok := tc.L2().(*valkeycache.Cache)
	if !ok {
		t.Fatalf("L2 is %T", tc.L2())
	}
	defer vc.Close()
	if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Do(ctx, "EXISTS", c.Key("k")); err != nil || got != int64(1) {
		t.Fatalf("EXISTS %q on the server = %v, %v", c.Key("k"), got, err)
	}
}

func TestFromEnvNamesMissingVariables(t *testing.T) {
	_, err := cacheenv.FromEnv(context.Background(), quiet(), cache.WithLookupEnv(envOf(map[string]string{
		contract.EnvService: "s", contract.EnvCacheKind: "valkey", contract.EnvCacheAuth: "iam",
	})))
	if !errors.Is(err, cache.ErrInvalidConfig) {
		t.Fatalf("got %v", err)
	}
	for _, name := range []string{contract.EnvCacheEndpoint, contract.EnvCacheUser, contract.EnvCacheName} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}
