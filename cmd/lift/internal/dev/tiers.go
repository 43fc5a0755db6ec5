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

// startTiers starts the local stand-ins of the functions' L2 cache tiers
// whose tools are installed (without one the memory tier serves alone;
// localEnv says so), and the job queues.
func (d *Dev) startTiers(ctx context.Context, fns []Function) error {
	if err := d.startValkey(fns); err != nil {
		return err
	}
	if err := d.startDynamoDB(ctx, fns); err != nil {
		return err
	}
	return d.startJobs(ctx, fns)
}

// startValkey starts one valkey-server, TLS and one cluster node owning
// every slot (the shape of an ElastiCache Serverless endpoint, as lift local
// up runs it), for the functions with a Valkey tier, and points them at it.
func (d *Dev) startValkey(fns []Function) error {
	users := withTier(fns, contract.CacheKindValkey)
	if len(users) == 0 {
		return nil
	}
	if _, err := localsvc.LookTool(d.App, "valkey-server"); err != nil {
		return nil
	}
	dir := filepath.Join(d.work, "valkey")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	r, err := localsvc.StartRedis(d.App, dir, localsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true, LogFile: filepath.Join(dir, "valkey.log")})
	if err != nil {
		return fmt.Errorf("start valkey-server for the Valkey cache tier: %w", err)
	}
	d.valkey = r
	for _, i := range users {
		f := &fns[i]
		// It checks no ElastiCache IAM token, and its certificate chains to
		// a local CA, which Go reads from SSL_CERT_FILE.
		f.Env[contract.EnvCacheEndpoint] = r.Addr
		f.Env[contract.EnvCacheAuth] = contract.CacheAuthNone
		f.Env["SSL_CERT_FILE"] = r.CAFile
		fmt.Fprintf(d.Stderr, "%s: valkey cache tier on valkey-server (%s, TLS, cluster mode)\n", f.Service, r.Addr)
	}
	return nil
}

// startDynamoDB starts moto as the local DynamoDB when a function has a
// DynamoDB cache tier and moto_server is installed, and gives each service
// a table of its own there (LIFT_CACHE_TABLE), which its jobs worker shares.
func (d *Dev) startDynamoDB(ctx context.Context, fns []Function) error {
	users := withTier(fns, contract.CacheKindDynamoDB)
	if len(users) == 0 {
		return nil
	}
	if _, err := localsvc.LookTool(d.App, "moto_server"); err != nil {
		return nil // localEnv's note says the memory tier serves alone
	}
	m, err := d.startMoto("the DynamoDB cache tier")
	if err != nil {
		return err
	}
	tables := map[string]string{} // by LIFT_SERVICE
	for _, i := range users {
		f := &fns[i]
		table, ok := tables[f.liftService()]
		if !ok {
			if table, err = d.newCacheTable(ctx, *f, "lift-dev-"+f.liftService()+"-cache"); err != nil {
				return err
			}
			tables[f.liftService()] = table
		}
		f.Env[contract.EnvCacheTable] = table
		fmt.Fprintf(d.Stderr, "%s: dynamodb cache tier on moto (%s, table %s)\n", f.Service, m.URL, table)
	}
	return nil
}

// startMoto starts the one moto lift dev runs (for what), once.
func (d *Dev) startMoto(what string) (*localsvc.Moto, error) {
	if d.moto != nil {
		return d.moto, nil
	}
	dir := filepath.Join(d.work, "moto")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	m, err := localsvc.StartMoto(d.App, dir, localsvc.MotoOptions{LogFile: filepath.Join(dir, "moto.log")})
	if err != nil {
		return nil, fmt.Errorf("start moto for %s: %w", what, err)
	}
	d.moto = m
	return m, nil
}

// newCacheTable creates an empty cache table named table on the local moto,
// with f's key attribute and TTL on.
func (d *Dev) newCacheTable(ctx context.Context, f Function, table string) (string, error) {
	key := f.Env[contract.EnvCacheKeyAttribute]
	if key == "" {
		key = contract.DefaultCacheKeyAttribute
	}
	ttl := f.Env[contract.EnvCacheTTLAttribute]
	if ttl == "" {
		ttl = contract.DefaultCacheTTLAttribute
	}
	db := dynamodb.NewFromConfig(d.moto.AWSConfig())
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(key), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(key), KeyType: types.KeyTypeHash}},
	}); err != nil {
		return "", fmt.Errorf("service %s: create its local cache table: %w", f.Service, err)
	}
	if _, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(ttl), Enabled: aws.Bool(true)},
	}); err != nil {
		return "", fmt.Errorf("service %s: TTL of its local cache table: %w", f.Service, err)
	}
	return table, nil
}

// withTier returns the indexes of the functions whose L2 tier is kind.
func withTier(fns []Function, kind string) []int {
	var out []int
	for i, f := range fns {
		if f.Env[contract.EnvCacheKind] == kind {
			out = append(out, i)
		}
	}
	return out
}
