// Package localsvc runs the local stand-ins for the cloud that Lift's tests and
// its demo use, each bound to 127.0.0.1: moto server as the AWS endpoint,
// redis-server or valkey-server (optionally TLS and cluster mode, as
// ElastiCache Serverless is), and handler binaries under the Lambda Runtime
// Interface Emulator. Every process runs in its own process group and is
// killed, with what it started, by Close.
//
// Failures are returned, never fatal, and a service that does not come up
// reports its own log. Tests use these through internal/testsvc, which turns
// errors into t.Fatal and registers the Close calls with t.Cleanup.
package localsvc
