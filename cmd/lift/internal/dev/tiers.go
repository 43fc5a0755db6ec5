package dev

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// startTiers starts moto as the local DynamoDB when a function has a
// DynamoDB cache tier and moto_server is installed, and gives each such
// function a table of its own there (LIFT_CACHE_TABLE). Without moto the
// memory tier serves alone (localEnv says so).
func (d *Dev) startTiers(ctx context.Context, fns []Function) error {
	var users []int
	for i, f := range fns {
		if f.Env[contract.EnvCacheKind] == contract.CacheKindDynamoDB {
			users = append(users, i)
		}
	}
	if len(users) == 0 {
		return nil
	}
	if _, err := localsvc.LookTool(d.App, "moto_server"); err != nil {
		return nil // localEnv's note says the memory tier serves alone
	}
	dir := filepath.Join(d.work, "moto")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	m, err := localsvc.StartMoto(d.App, dir, localsvc.MotoOptions{LogFile: filepath.Join(dir, "moto.log")})
	if err != nil {
		return fmt.Errorf("start moto for the DynamoDB cache tier: %w", err)
	}
	d.moto = m
	db := dynamodb.NewFromConfig(m.AWSConfig())
	for _, i := range users {
		f := &fns[i]
		key := f.Env[contract.EnvCacheKeyAttribute]
		if key == "" {
			key = contract.DefaultCacheKeyAttribute
		}
		ttl := f.Env[contract.EnvCacheTTLAttribute]
		if ttl == "" {
			ttl = contract.DefaultCacheTTLAttribute
		}
		table := "lift-dev-" + f.Service + "-cache"
		if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(table),
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(key), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(key), KeyType: types.KeyTypeHash}},
		}); err != nil {
			return fmt.Errorf("service %s: create its local cache table: %w", f.Service, err)
		}
		if _, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(table),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(ttl), Enabled: aws.Bool(true)},
		}); err != nil {
			return fmt.Errorf("service %s: TTL of its local cache table: %w", f.Service, err)
		}
		f.Env[contract.EnvCacheTable] = table
		fmt.Fprintf(d.Stderr, "%s: dynamodb cache tier on moto (%s, table %s)\n", f.Service, m.URL, table)
	}
	return nil
}
