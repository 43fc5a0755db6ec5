// Package multiservice runs the multiservice example locally: orders (A)
// really calls inventory (B) through Cloud Map discovery.
//
// moto_server plays Cloud Map: the namespace, services and instances the
// synthesized template declares are created in it through the SDK (moto skips
// ServiceDiscovery types on deploy), with the instance attributes read from
// that template, so the construct's output is what runtime/discovery reads.
// Each function runs under its own Lambda Runtime Interface Emulator with the
// environment the template gives it. A tiny router on 127.0.0.1 stands in for
// the Lambda Invoke API (testsvc.LambdaRouter): it forwards
// /2015-03-31/functions/<qualified ARN>/invocations to inventory's emulator
// (which only answers the function name "function") and records which
// function was asked for. inventory's ElastiCache Serverless cache is played
// by a local valkey-server with TLS in cluster mode: the template's endpoint
// resolves to it, auth is off (no local server checks ElastiCache IAM tokens)
// and the handler trusts the test CA through SSL_CERT_FILE.
package multiservice
