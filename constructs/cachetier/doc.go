// Package cachetier provisions Lift's shared (L2) cache tiers and binds Lambda
// functions to them: a DynamoDB table ([NewDynamoDB]) or an ElastiCache Valkey
// cache ([NewElastiCache], Serverless by default, a node-based replication group
// as the alternative).
//
// A tier's Bind(fn) does the three things a function needs to use the tier:
//   - environment: the LIFT_CACHE_* variables of internal/contract, which
//     runtime/cache reads (cache.FromEnv) to build the same tier in the handler;
//   - least-privilege IAM: DynamoDB gets only GetItem, PutItem and DeleteItem on
//     the tier's table; ElastiCache gets only elasticache:Connect on the cache
//     and the tier's user (IAM auth), or secretsmanager:GetSecretValue on the
//     tier's secret (password auth);
//   - network (ElastiCache): an ingress rule on the cache's security group, on
//     the cache port only, from the function's security groups.
//
// A function has exactly one L2 tier (LIFT_CACHE_KIND is a single value), so
// binding a function to a second tier is an error; binding it to the same tier
// again is a no-op.
//
// Errors follow aws-cdk's convention: NewDynamoDB, NewElastiCache and Bind
// check every prop before defining anything and panic once with an error
// wrapping ErrInvalidProps that lists each problem with the construct path,
// the prop, its value and the fix.
//
// Decisions, with their cost in mind:
//   - DynamoDB point-in-time recovery is off by default. A cache holds only data
//     its loader can rebuild, and restoring a cache to a past second serves
//     stale values; PITR would bill continuous backups for nothing. The cdk-nag
//     rule AwsSolutions-DDB3 is suppressed on the table with that reason, only
//     while PITR is off (TableProps.PointInTimeRecovery turns it on).
//   - A new DynamoDB table is destroyed with its stack (RemovalPolicy DESTROY)
//     for the same reason: its data is disposable. Override with
//     TableProps.RemovalPolicy.
//   - ElastiCache authenticates with IAM by default: the runtime signs a
//     short-lived token per connection from the function's own credentials, so
//     there is no secret to store or rotate, and the function needs no network
//     path to any AWS API. Password auth keeps the password in Secrets Manager
//     (only the secret's ARN is in the environment).
//   - A VPC is never created implicitly: give ElastiCacheProps.Vpc or set
//     CreateVpc. A created VPC has private isolated subnets only (no NAT
//     gateway cost) and a flow log; functions bound to the cache then reach
//     no AWS API unless a VPC endpoint is added (one for Secrets Manager is
//     created with password auth, since the runtime must fetch the password).
package cachetier
