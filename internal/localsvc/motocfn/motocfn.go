// Package motocfn holds motocfn.py, the launcher Lift runs in place of
// moto_server: moto 5.2.1 with CloudFormation support for the resource types
// Lift's stacks use that moto's CloudFormation skips or gets wrong (README.md
// in this folder lists them and why). internal/localsvc writes Script to a
// file and runs it with python3.
package motocfn

import _ "embed"

// Script is motocfn.py.
//
//go:embed motocfn.py
var Script []byte

// MotoVersion is the only moto version the script runs with: it patches
// moto's CloudFormation internals, which change between releases.
const MotoVersion = "5.2.1"

// CacheEndpointEnv names the variable that gives the script the local Valkey
// or Redis server (host:port) standing in for an ElastiCache serverless cache.
const CacheEndpointEnv = "LIFT_MOTO_CACHE_ENDPOINT"
