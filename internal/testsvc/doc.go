// Package testsvc starts the real services Lift's tests run against, each on
// 127.0.0.1 and each stopped when the test ends: moto server as a local AWS
// endpoint, redis-server or valkey-server (optionally with TLS and in cluster
// mode, as ElastiCache Serverless is), and handler binaries under the Lambda
// Runtime Interface Emulator. It is a thin testing.TB layer over
// internal/localsvc, which the demo program shares.
//
// Nothing here skips: a missing tool fails the test with the fix ("run make
// setup"), and a service that does not come up fails it with the service's log.
package testsvc
