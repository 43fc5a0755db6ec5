package dynamostore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/idempotency/idempotencytest"
)

// motoTable starts moto and creates a cache table the way constructs/cachetier
// does (string partition key, TTL on).
func motoTable(t *testing.T) (*testsvc.MotoServer, *dynamodb.Client, dynamocache.Config) {
	t.Helper()
	m := testsvc.Moto(t)
	client := dynamodb.NewFromConfig(m.AWSConfig(t))
	cfg := dynamocache.Config{Table: "lift-cache", KeyAttribute: contract.DefaultCacheKeyAttribute, TTLAttribute: contract.DefaultCacheTTLAttribute}
	ctx := context.Background()
	if _, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: &cfg.Table, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: &cfg.KeyAttribute, AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: &cfg.KeyAttribute, KeyType: types.KeyTypeHash}},
	}); err != nil {
		t.Fatalf("create table on moto: %v", err)
	}
	if _, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &cfg.Table,
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: &cfg.TTLAttribute, Enabled: aws.Bool(true)}}); err != nil {
		t.Fatalf("enable TTL on moto: %v", err)
	}
	return m, client, cfg
}

// TestStore shares one moto server (its start is the slow part) among the
// subtests; each uses keys of its own.
func TestStore(t *testing.T) {
	m, client, cfg := motoTable(t)
	t.Run("Conformance", func(t *testing.T) { testConformance(t, client, cfg) })
	t.Run("FromEnv", func(t *testing.T) { testFromEnv(t, m, client, cfg) })
	t.Run("ResultTooLarge", func(t *testing.T) { testResultTooLarge(t, client, cfg) })
	t.Run("ForeignItemIsCorrupt", func(t *testing.T) { testForeignItemIsCorrupt(t, client, cfg) })
	t.Run("NewRejectsBadConfig", func(t *testing.T) { testNewRejectsBadConfig(t, client, cfg) })
}

func testConformance(t *testing.T, client *dynamodb.Client, cfg dynamocache.Config) {
	s, err := dynamostore.New(client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	idempotencytest.Run(t, func(*testing.T) idempotency.Store { return s })
}

// The store built from the contract's variables alone (plus the SDK's own
// AWS_* variables pointing at moto), as a deployed function would build it.
func testFromEnv(t *testing.T, m *testsvc.MotoServer, client *dynamodb.Client, cfg dynamocache.Config) {
	for _, kv := range m.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv(contract.EnvService, "orders")
	t.Setenv(contract.EnvCacheKind, contract.CacheKindDynamoDB)
	t.Setenv(contract.EnvCacheTable, cfg.Table)
	ctx := context.Background()
	s, err := idempotency.FromEnv(ctx, dynamostore.Backend())
	if err != nil {
		t.Fatal(err)
	}
	got, err := idempotency.Do(ctx, s, "req-1", func(context.Context) (string, error) { return "done", nil })
	if err != nil || got != "done" {
		t.Fatalf("Do = %q, %v", got, err)
	}
	key := "6:orders/idempotency/req-1"
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &cfg.Table,
		Key: map[string]types.AttributeValue{cfg.KeyAttribute: &types.AttributeValueMemberS{Value: key}}})
	if err != nil || out.Item[cfg.TTLAttribute] == nil || out.Item[dynamostore.RecordAttribute] == nil {
		t.Fatalf("item under the namespaced key %q with TTL and record attributes: %v, %v", key, out.Item, err)
	}
	doc := out.Item[dynamostore.RecordAttribute].(*types.AttributeValueMemberS).Value
	if !strings.Contains(doc, `"status":"completed"`) || !strings.Contains(doc, `"value":"done"`) {
		t.Fatalf("stored record is not the documented JSON: %s", doc)
	}
}

// A result over DynamoDB's item limit is returned with ErrNotStored, and the
// claim is released so a retry can run.
func testResultTooLarge(t *testing.T, client *dynamodb.Client, cfg dynamocache.Config) {
	s, err := dynamostore.New(client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	big := strings.Repeat("x", dynamocache.MaxItemBytes)
	got, err := idempotency.Do(ctx, s, "big", func(context.Context) (string, error) { return big, nil })
	if !errors.Is(err, idempotency.ErrNotStored) || got != big || !strings.Contains(err.Error(), "400 KB") {
		t.Fatalf("Do = %d bytes, %v; want the result and ErrNotStored naming the limit", len(got), err)
	}
	got, err = idempotency.Do(ctx, s, "big", func(context.Context) (string, error) { return "small", nil }, idempotency.WithWait(0))
	if err != nil || got != "small" {
		t.Fatalf("retry after a result that was not stored = %q, %v", got, err)
	}
}

func testForeignItemIsCorrupt(t *testing.T, client *dynamodb.Client, cfg dynamocache.Config) {
	s, err := dynamostore.New(client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Table, Item: map[string]types.AttributeValue{
		cfg.KeyAttribute:             &types.AttributeValueMemberS{Value: "foreign"},
		dynamostore.ExpiresAttribute: &types.AttributeValueMemberN{Value: "99999999999999"},
		dynamostore.RecordAttribute:  &types.AttributeValueMemberS{Value: "not json"},
	}}); err != nil {
		t.Fatal(err)
	}
	_, err = idempotency.Do(ctx, s, "foreign", func(context.Context) (int, error) { return 1, nil })
	if !errors.Is(err, idempotency.ErrCorruptRecord) {
		t.Fatalf("err = %v, want ErrCorruptRecord", err)
	}
}

func testNewRejectsBadConfig(t *testing.T, client *dynamodb.Client, cfg dynamocache.Config) {
	for name, c := range map[string]dynamocache.Config{
		"no table":          {KeyAttribute: "pk", TTLAttribute: "ttl"},
		"same attributes":   {Table: cfg.Table, KeyAttribute: "pk", TTLAttribute: "pk"},
		"key is store attr": {Table: cfg.Table, KeyAttribute: dynamostore.TokenAttribute, TTLAttribute: "ttl"},
	} {
		if _, err := dynamostore.New(client, c); !errors.Is(err, idempotency.ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
		}
	}
}
