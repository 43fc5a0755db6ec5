// Package testsvc starts the real services Lift's tests run against, each on
// 127.0.0.1 and each stopped when the test ends: moto server as a local AWS
// endpoint, redis-server or valkey-server (optionally with TLS and in cluster
// mode, as ElastiCache Serverless is), and handler binaries under the Lambda
// Runtime Interface Emulator. It is a thin testing.TB layer over
// internal/localsvc, which the demo program shares.
//
// A missing tool ends the test through Missing, the one rule for it: one line
// naming the tool and how to get it (`make setup`, or the apt or pip
// command), a skip on a developer's machine and a failure when
// LIFT_REQUIRE_SERVICES=1 or CI=true (`make test` and CI set it). A service
// that is installed but does not come up fails the test with its log.
package testsvc
