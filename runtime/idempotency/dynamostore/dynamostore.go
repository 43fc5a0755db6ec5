// Package dynamostore keeps idempotency records in the service's DynamoDB
// cache table: one item per key, claimed with one conditional PutItem and
// completed with another, so exactly one caller wins a key across every
// environment of the function.
//
// An item holds the key, the table's TTL attribute (epoch seconds, so
// DynamoDB deletes old records), and three attributes of its own: "x" (the
// record's expiry in unix milliseconds, which the claim's condition
// compares, since DynamoDB deletes expired items only lazily), "o" (the
// claim token, which completion and release require) and "d" (the
// idempotency.Record as JSON). It needs only GetItem, PutItem and
// DeleteItem: the permissions cachetier already grants.
package dynamostore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/idempotency"
)

// Attributes of a record item besides the table's key and TTL attributes.
const (
	ExpiresAttribute = "x"
	TokenAttribute   = "o"
	RecordAttribute  = "d"
)

// Store is the DynamoDB store. Safe for concurrent use; build it once per process.
type Store struct {
	api dynamocache.API
	cfg dynamocache.Config
}

// New returns the store over the table cfg names.
func New(api dynamocache.API, cfg dynamocache.Config) (*Store, error) {
	own := map[string]bool{ExpiresAttribute: true, TokenAttribute: true, RecordAttribute: true}
	switch {
	case api == nil:
		return nil, fmt.Errorf("%w: dynamostore.New needs a DynamoDB client", idempotency.ErrInvalidConfig)
	case cfg.Table == "":
		return nil, fmt.Errorf("%w: empty table name: set %s", idempotency.ErrInvalidConfig, contract.EnvCacheTable)
	case cfg.KeyAttribute == "" || cfg.TTLAttribute == "" || cfg.KeyAttribute == cfg.TTLAttribute || own[cfg.KeyAttribute] || own[cfg.TTLAttribute]:
		return nil, fmt.Errorf("%w: key attribute %q and TTL attribute %q must be distinct, non-empty and none of %q, %q, %q",
			idempotency.ErrInvalidConfig, cfg.KeyAttribute, cfg.TTLAttribute, ExpiresAttribute, TokenAttribute, RecordAttribute)
	}
	return &Store{api: api, cfg: cfg}, nil
}

// Backend lets idempotency.FromEnv build this store from the cache tier's
// environment, and runtime/jobs the tier itself (with consistent reads).
// One DynamoDB client, from the default AWS configuration, serves both.
func Backend() idempotency.Backend {
	var c client
	return idempotency.Backend{
		Kind: contract.CacheKindDynamoDB,
		New: func(ctx context.Context, env cache.LookupEnv) (idempotency.Store, error) {
			api, cfg, err := c.get(ctx, env)
			if err != nil {
				return nil, err
			}
			return New(api, cfg)
		},
		Tier: func(ctx context.Context, env cache.LookupEnv) (cache.Cache, error) {
			api, cfg, err := c.get(ctx, env)
			if err != nil {
				return nil, err
			}
			return dynamocache.New(api, cfg.Table, dynamocache.WithKeyAttribute(cfg.KeyAttribute),
				dynamocache.WithTTLAttribute(cfg.TTLAttribute), dynamocache.WithConsistentRead(true))
		},
	}
}

// client is a Backend's DynamoDB client, built on first use.
type client struct {
	once sync.Once
	api  *dynamodb.Client
	err  error
}

func (c *client) get(ctx context.Context, env cache.LookupEnv) (*dynamodb.Client, dynamocache.Config, error) {
	cfg, err := dynamocache.ConfigFromEnv(env)
	if err != nil {
		return nil, cfg, err
	}
	c.once.Do(func() {
		awsCfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			c.err = fmt.Errorf("dynamostore: load AWS configuration: %w", err)
			return
		}
		c.api = dynamodb.NewFromConfig(awsCfg)
	})
	return c.api, cfg, c.err
}

// Claim puts rec unless a record whose expiry is after now is there, with one
// conditional PutItem that returns the existing item when it refuses.
func (s *Store) Claim(ctx context.Context, key string, rec idempotency.Record, now time.Time) (idempotency.Record, bool, error) {
	item, err := s.item(key, rec)
	if err != nil {
		return idempotency.Record{}, false, err
	}
	_, err = s.api.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           &s.cfg.Table,
		Item:                                item,
		ConditionExpression:                 aws.String("attribute_not_exists(#k) OR #x <= :now"),
		ExpressionAttributeNames:            map[string]string{"#k": s.cfg.KeyAttribute, "#x": ExpiresAttribute},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": millis(now)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var refused *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return rec, true, nil
	case !errors.As(err, &refused):
		return idempotency.Record{}, false, fmt.Errorf("dynamostore: claim %q in %s: %w", key, s.cfg.Table, err)
	case len(refused.Item) == 0:
		return idempotency.Record{}, false, fmt.Errorf("dynamostore: claim %q in %s: refused without the existing item (does the endpoint support ReturnValuesOnConditionCheckFailure?)", key, s.cfg.Table)
	}
	cur, err := decode(refused.Item)
	if err != nil {
		return idempotency.Record{}, false, fmt.Errorf("dynamostore: item %q in %s: %w", key, s.cfg.Table, err)
	}
	return cur, false, nil
}

// Complete puts rec if the stored item still carries rec.Token.
func (s *Store) Complete(ctx context.Context, key string, rec idempotency.Record, _ time.Time) error {
	item, err := s.item(key, rec)
	if err != nil {
		return err
	}
	_, err = s.api.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 &s.cfg.Table,
		Item:                      item,
		ConditionExpression:       aws.String("#o = :o"),
		ExpressionAttributeNames:  map[string]string{"#o": TokenAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": &types.AttributeValueMemberS{Value: rec.Token}},
	})
	var refused *types.ConditionalCheckFailedException
	if errors.As(err, &refused) {
		return fmt.Errorf("%w: dynamostore: %q in %s is no longer this call's claim", idempotency.ErrClaimLost, key, s.cfg.Table)
	}
	if err != nil {
		return fmt.Errorf("dynamostore: complete %q in %s: %w", key, s.cfg.Table, err)
	}
	return nil
}

// Release deletes the item if it still carries token.
func (s *Store) Release(ctx context.Context, key, token string) error {
	_, err := s.api.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &s.cfg.Table,
		Key:                       map[string]types.AttributeValue{s.cfg.KeyAttribute: &types.AttributeValueMemberS{Value: key}},
		ConditionExpression:       aws.String("#o = :o"),
		ExpressionAttributeNames:  map[string]string{"#o": TokenAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": &types.AttributeValueMemberS{Value: token}},
	})
	var refused *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &refused) {
		return fmt.Errorf("dynamostore: release %q in %s: %w", key, s.cfg.Table, err)
	}
	return nil
}

func (s *Store) item(key string, rec idempotency.Record) (map[string]types.AttributeValue, error) {
	doc, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("dynamostore: encode record: %w", err)
	}
	size := len(s.cfg.KeyAttribute) + len(key) + len(s.cfg.TTLAttribute) + 2*21 + len(ExpiresAttribute) +
		len(TokenAttribute) + len(rec.Token) + len(RecordAttribute) + len(doc)
	if size > dynamocache.MaxItemBytes {
		return nil, fmt.Errorf("dynamostore: record for %q is %d bytes, over DynamoDB's 400 KB item limit (%d bytes): return a smaller result, e.g. an id to look the rest up by",
			key, size, dynamocache.MaxItemBytes)
	}
	secs := rec.Expires.Unix()
	if rec.Expires.After(time.Unix(secs, 0)) {
		secs++ // never let DynamoDB's TTL delete a record before it expires
	}
	return map[string]types.AttributeValue{
		s.cfg.KeyAttribute: &types.AttributeValueMemberS{Value: key},
		s.cfg.TTLAttribute: &types.AttributeValueMemberN{Value: strconv.FormatInt(secs, 10)},
		ExpiresAttribute:   millis(rec.Expires),
		TokenAttribute:     &types.AttributeValueMemberS{Value: rec.Token},
		RecordAttribute:    &types.AttributeValueMemberS{Value: string(doc)},
	}, nil
}

func millis(t time.Time) *types.AttributeValueMemberN {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.UnixMilli(), 10)}
}

// decode reads a stored item (outside data: anyone with access to the table
// can write it).
func decode(item map[string]types.AttributeValue) (idempotency.Record, error) {
	d, ok := item[RecordAttribute].(*types.AttributeValueMemberS)
	if !ok {
		return idempotency.Record{}, fmt.Errorf("%w: attribute %q is missing or not a string", idempotency.ErrCorruptRecord, RecordAttribute)
	}
	var rec idempotency.Record
	if err := json.Unmarshal([]byte(d.Value), &rec); err != nil {
		return idempotency.Record{}, fmt.Errorf("%w: attribute %q: %v", idempotency.ErrCorruptRecord, RecordAttribute, err)
	}
	return rec, nil
}

var _ idempotency.Store = (*Store)(nil)
