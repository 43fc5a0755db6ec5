// Package reports runs the reports example in the local cloud: the stack,
// synthesized with a short worker timeout and quick reports, is deployed with
// `cdk deploy` to moto, which creates the job queue, its dead-letter queue,
// the DynamoDB tier and the worker's event source mapping; what the deploy
// created is read back through the AWS APIs. The API function and the
// worker run their deployed code under the Lambda Runtime Interface
// Emulator, the worker fed from the queue by the local cloud's SQS poller
// (moto keeps event source mappings but does not run them). The tests then
// follow report jobs end to end, and break them: a worker killed mid-job, a
// poison message, a duplicate delivery.
package reports
