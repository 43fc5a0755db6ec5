// Package service composes one production-ready Lift service from the parts:
// a Go function (gofunction) on a "live" alias, pre-warming (the stack's
// scheduled warmer, or provisioned concurrency), an optional cache tier
// (DynamoDB or ElastiCache), optional Cloud Map registration, and alarms with
// a dashboard (monitoring). Every part it creates is exposed, and
// consumer.Connect(provider) lets one service call another through discovery.
// Props.Jobs adds asynchronous jobs (a queue, its dead-letter queue and a
// worker function); AddQueueConsumer and AddStreamConsumer feed SQS, Kinesis
// or DynamoDB Streams records to the service's function.
//
// One service with a DynamoDB tier, the warmer and monitoring is about 22
// CloudFormation resources: a stack holds about 20 before the 500-resource limit.
package service
