// Package dynamocache is the DynamoDB L2 tier of runtime/cache: one item per
// key, with the value in a binary attribute and the expiry in the table's TTL
// attribute (epoch seconds). DynamoDB deletes expired items lazily, up to days
// later, so expiry is also checked on every read.
package dynamocache

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// API is the part of the DynamoDB client the tier uses; *dynamodb.Client
// implements it, and tests wrap it to count round trips.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Limits of DynamoDB that the tier checks before calling it.
const (
	MaxItemBytes = 400 * 1024        // item size, attribute names included
	MaxKeyBytes  = cache.MaxKeyBytes // partition key (2048), the rule every tier applies
	// ValueAttribute holds the value. It is short because attribute names count
	// toward the item size.
	ValueAttribute = contract.CacheValueAttribute
	numberBytes    = 21 // upper bound of a DynamoDB number's stored size
)

// Cache is the DynamoDB tier. Safe for concurrent use; build it once per process.
type Cache struct {
	api                     API
	table, keyAttr, ttlAttr string
	consistent              bool
	now                     func() time.Time
	projection              *string
	names                   map[string]string
}

// Option configures New.
type Option func(*Cache)

// WithKeyAttribute names the table's partition key (string). Default "pk".
func WithKeyAttribute(name string) Option { return func(c *Cache) { c.keyAttr = name } }

// WithTTLAttribute names the table's TTL attribute. Default "expiresAt".
func WithTTLAttribute(name string) Option { return func(c *Cache) { c.ttlAttr = name } }

// WithConsistentRead makes reads strongly consistent, at twice the read cost.
// Default false: a cache tolerates reading a value up to about a second old.
func WithConsistentRead(on bool) Option { return func(c *Cache) { c.consistent = on } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// New returns the tier over table.
func New(api API, table string, opts ...Option) (*Cache, error) {
	c := &Cache{api: api, table: table, keyAttr: contract.DefaultCacheKeyAttribute,
		ttlAttr: contract.DefaultCacheTTLAttribute, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	switch {
	case api == nil:
		return nil, fmt.Errorf("%w: dynamocache.New needs a DynamoDB client", cache.ErrInvalidConfig)
	case table == "":
		return nil, fmt.Errorf("%w: empty table name: set %s", cache.ErrInvalidConfig, contract.EnvCacheTable)
	}
	if err := contract.ValidCacheAttributes(c.keyAttr, c.ttlAttr); err != nil {
		return nil, fmt.Errorf("%w: dynamocache: %v", cache.ErrInvalidConfig, err)
	}
	c.names = map[string]string{"#v": ValueAttribute, "#t": c.ttlAttr}
	c.projection = aws.String("#v, #t")
	return c, nil
}

// EndsWithContext reports that every call returns once its context ends (the
// AWS SDK bounds its requests, retries included, by the context).
func (c *Cache) EndsWithContext() bool { return true }

// Tier names the tier in metrics.
func (c *Cache) Tier() string { return contract.TierDynamoDB }

// Get reads key with one GetItem.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	v, _, err := c.GetWithExpiry(ctx, key)
	return v, err
}

// GetWithExpiry reads key and when it expires, with one GetItem.
func (c *Cache) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, error) {
	if err := cache.CheckKey(key); err != nil {
		return nil, time.Time{}, err
	}
	out, err := c.api.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                &c.table,
		Key:                      map[string]types.AttributeValue{c.keyAttr: &types.AttributeValueMemberS{Value: key}},
		ConsistentRead:           &c.consistent,
		ProjectionExpression:     c.projection,
		ExpressionAttributeNames: c.names,
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("dynamocache: get %q from %s: %w", key, c.table, err)
	}
	if len(out.Item) == 0 {
		return nil, time.Time{}, cache.ErrNotFound
	}
	v, exp, err := decodeItem(out.Item, c.ttlAttr)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("dynamocache: item %q in %s: %w", key, c.table, err)
	}
	if !c.now().Before(exp) {
		return nil, time.Time{}, cache.ErrNotFound // expired, not yet deleted by DynamoDB
	}
	return v, exp, nil
}

// Set writes key with one PutItem. The expiry is rounded up to whole seconds,
// so a value never expires early.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("%w: dynamocache set %q: ttl %v", cache.ErrInvalidTTL, key, ttl)
	}
	if err := cache.CheckKey(key); err != nil {
		return err
	}
	size := len(c.keyAttr) + len(key) + len(c.ttlAttr) + numberBytes + len(ValueAttribute) + len(value)
	if size > MaxItemBytes {
		return fmt.Errorf("%w: dynamocache set %q: item of %d bytes (value %d bytes) exceeds DynamoDB's 400 KB item limit (%d bytes, attribute names included)",
			cache.ErrValueTooLarge, key, size, len(value), MaxItemBytes)
	}
	exp := c.now().Add(ttl)
	secs := exp.Unix()
	if exp.After(time.Unix(secs, 0)) {
		secs++
	}
	if value == nil {
		value = []byte{}
	}
	_, err := c.api.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &c.table,
		Item: map[string]types.AttributeValue{
			c.keyAttr:      &types.AttributeValueMemberS{Value: key},
			c.ttlAttr:      &types.AttributeValueMemberN{Value: strconv.FormatInt(secs, 10)},
			ValueAttribute: &types.AttributeValueMemberB{Value: value},
		},
	})
	if err != nil {
		return fmt.Errorf("dynamocache: put %q into %s: %w", key, c.table, err)
	}
	return nil
}

// Delete removes key with one DeleteItem.
func (c *Cache) Delete(ctx context.Context, key string) error {
	if err := cache.CheckKey(key); err != nil {
		return err
	}
	_, err := c.api.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &c.table,
		Key:       map[string]types.AttributeValue{c.keyAttr: &types.AttributeValueMemberS{Value: key}},
	})
	if err != nil {
		return fmt.Errorf("dynamocache: delete %q from %s: %w", key, c.table, err)
	}
	return nil
}

// Ping reads the item cache.ProbeKey with GetItem; found or not, an answer
// means the table is reachable. It is a GetItem, not DescribeTable, because
// the policy cachetier grants is exactly GetItem, PutItem and DeleteItem on
// the table: the probe needs no more than requests do, and proves they may read.
func (c *Cache) Ping(ctx context.Context) error {
	_, err := c.api.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &c.table,
		Key:       map[string]types.AttributeValue{c.keyAttr: &types.AttributeValueMemberS{Value: cache.ProbeKey}},
	})
	if err != nil {
		return fmt.Errorf("dynamocache: ping table %s: %w", c.table, err)
	}
	return nil
}

// decodeItem reads the value and expiry of a stored item (outside data: it
// may have been written by anyone with access to the table).
func decodeItem(item map[string]types.AttributeValue, ttlAttr string) ([]byte, time.Time, error) {
	b, ok := item[ValueAttribute].(*types.AttributeValueMemberB)
	if !ok {
		return nil, time.Time{}, fmt.Errorf("%w: attribute %q is missing or not binary", cache.ErrCorruptEntry, ValueAttribute)
	}
	n, ok := item[ttlAttr].(*types.AttributeValueMemberN)
	if !ok {
		return nil, time.Time{}, fmt.Errorf("%w: TTL attribute %q is missing or not a number", cache.ErrCorruptEntry, ttlAttr)
	}
	secs, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil || secs < 0 || secs > 1<<40 {
		return nil, time.Time{}, fmt.Errorf("%w: TTL attribute %q = %q is not epoch seconds", cache.ErrCorruptEntry, ttlAttr, n.Value)
	}
	v := b.Value
	if v == nil {
		v = []byte{}
	}
	return v, time.Unix(secs, 0), nil
}

var (
	_ cache.ExpiryGetter = (*Cache)(nil)
	_ cache.Pinger       = (*Cache)(nil)
)
