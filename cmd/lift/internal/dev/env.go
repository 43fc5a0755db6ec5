package dev

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// Namespace is the Cloud Map namespace every service is in under lift dev.
const Namespace = "lift-dev"

// localEnv is what the function's process gets: the host's environment
// without AWS_* (no real account is ever reached), the function's literal
// variables, and the local stand-ins for what a deploy would resolve.
// It returns the notes worth telling the user (a tier served from memory).
func localEnv(f Function, addr, awsURL, dynamoURL, tokenHash string) ([]string, []string) {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "LIFT_") {
			continue
		}
		env[k] = v
	}
	maps.Copy(env, f.Env)
	var notes []string
	switch kind := f.Env[contract.EnvCacheKind]; {
	case kind == "", kind == contract.CacheKindMemory:
	case kind == contract.CacheKindDynamoDB && dynamoURL != "" && f.Env[contract.EnvCacheTable] != "":
		env["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoURL // startTiers made the table there
	case kind == contract.CacheKindValkey && f.Env[contract.EnvCacheEndpoint] != "":
		// startTiers started the stand-in.
	default:
		// The L2 tier's table or cluster exists only once deployed: the
		// memory tier serves alone (lift local up runs the real tiers).
		delete(env, contract.EnvCacheKind)
		why := "lift dev runs no local " + kind
		switch kind {
		case contract.CacheKindDynamoDB:
			why = "moto_server, the local DynamoDB, is not installed"
		case contract.CacheKindValkey:
			why = "valkey-server is not installed"
		}
		notes = append(notes, kind+" cache tier: the memory tier serves alone ("+why+"; lift local up runs every tier)")
	}
	if _, ok := f.Env[contract.EnvDiscoveryService]; ok || slices.Contains(f.Resolved, contract.EnvDiscoveryNamespace) || f.Env[contract.EnvDiscoveryNamespace] != "" {
		env[contract.EnvDiscoveryNamespace] = Namespace
		env[contract.EnvDiscoveryServiceID] = "dev-" + f.lambdaName()
		env[contract.EnvDiscoveryInstanceID] = "dev-" + f.lambdaName()
		if env[contract.EnvDiscoveryService] == "" {
			env[contract.EnvDiscoveryService] = f.lambdaName()
		}
	}
	maps.Copy(env, map[string]string{
		contract.EnvMode:               contract.ModeLocal,
		contract.EnvLocalAddr:          addr,
		contract.EnvControlTokenSHA256: tokenHash,
		contract.EnvControlAuth:        contract.ControlAuthRequired,
		contract.EnvTracing:            tracingMode(),
		"AWS_LAMBDA_FUNCTION_NAME":     f.lambdaName(),
		// The invocation deadline and memory the function has in Lambda.
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.Itoa(f.TimeoutSeconds),
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(f.MemoryMB),
		"AWS_REGION":                      localsvc.MotoRegion,
		"AWS_DEFAULT_REGION":              localsvc.MotoRegion,
		"AWS_ACCESS_KEY_ID":               "lift-dev",
		"AWS_SECRET_ACCESS_KEY":           "lift-dev",
		"AWS_EC2_METADATA_DISABLED":       "true",
		// Discovery and Lambda-to-Lambda calls go to lift dev itself.
		"AWS_ENDPOINT_URL_SERVICEDISCOVERY": awsURL,
		"AWS_ENDPOINT_URL_LAMBDA":           awsURL,
	})
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out, notes
}

// tracingMode is the LIFT_TRACING every function gets: the developer's own
// (set where lift dev runs), else stdout, whose span lines lift dev reads
// for its Traces view. The app's deployed choice (otlp to a collector that
// is not running here) does not apply.
func tracingMode() string {
	if m := os.Getenv(contract.EnvTracing); m != "" {
		return m
	}
	return contract.TracingStdout
}

// checkTracing refuses a LIFT_TRACING no function would accept, before
// anything starts, rather than every function failing its init.
func checkTracing() error {
	switch m := tracingMode(); m {
	case contract.TracingNone, contract.TracingOTLP, contract.TracingStdout:
		return nil
	default:
		return fmt.Errorf("%s=%q where lift dev runs: use %q (lift dev's default, shown in its Traces view), %q or %q",
			contract.EnvTracing, m, contract.TracingStdout, contract.TracingOTLP, contract.TracingNone)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
