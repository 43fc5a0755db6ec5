package localcloud

import (
	"encoding/json"
	"runtime"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Options configures Run. The zero value deploys the quickstart.
type Options struct {
	// Root is the repository root holding cdk.json. Default: found from the
	// working directory.
	Root string
	// App, when set, is passed to `cdk deploy --app`: another app command,
	// or a directory holding an already synthesized cloud assembly. Default:
	// the app of Root's cdk.json.
	App string
	// Stack is the stack to deploy. Default "LiftQuickstart".
	Stack string
	// FunctionOutput is the stack output holding the function's name.
	// Default "ApiFunctionName"; when the stack has no such output, its only
	// AWS::Lambda::Function is used.
	FunctionOutput string
	// Architecture is the lift:architecture context passed to the app.
	// Default: the host's (x86_64 on amd64, arm64 on arm64), so that the
	// deployed binary runs under the emulator here.
	Architecture string
	// Request is the business event sent after the warm-up. Default: the
	// quickstart's GET /greeting?name=Lift as an HTTP API (v2) event.
	Request []byte
	// CacheRequest is read twice after Request to show the cache tiers: a
	// miss that loads and fills DynamoDB, then a memory hit. The function
	// must have a DynamoDB cache tier and answer with a "cached" field.
	// Default: the quickstart's GET /items/espresso.
	CacheRequest []byte
	// CacheStandIn starts a local valkey-server (TLS, cluster mode) before
	// moto to stand in for ElastiCache: a deployed serverless cache reports
	// it as its endpoint, and functions pointed at it run with
	// LIFT_CACHE_AUTH=none and its CA (it cannot check IAM auth tokens).
	CacheStandIn bool
	// WorkDir holds moto's files, the isolated HOME for the CDK CLI and the
	// cloud assembly. Default: a new temporary directory.
	WorkDir string
	// KeepWorkDir keeps WorkDir after Run (for inspecting cdk.out and logs).
	KeepWorkDir bool
	// CommandTimeout bounds each cdk command. Default 15 minutes (a cold Go
	// build of the CDK app takes minutes on 2 cores).
	CommandTimeout time.Duration
	// InvokeTimeout bounds each invocation. Default 1 minute.
	InvokeTimeout time.Duration
	// Observer, when set, is told as each step starts and ends.
	Observer func(Event)
}

// Defaults of Options.
const (
	DefaultStack          = "LiftQuickstart"
	DefaultFunctionOutput = "ApiFunctionName"
	ArchitectureContext   = "lift:architecture"
	// accessKey is dedicated to this pipeline: the CDK CLI caches the account
	// per access key, and a shared key could pick up another endpoint's answer.
	accessKey = "LIFTLOCALCLOUD"
)

func (o Options) withDefaults() Options {
	if o.Stack == "" {
		o.Stack = DefaultStack
	}
	if o.FunctionOutput == "" {
		o.FunctionOutput = DefaultFunctionOutput
	}
	if o.Architecture == "" {
		o.Architecture = HostArchitecture()
	}
	if o.Request == nil {
		o.Request = QuickstartGreetingEvent("Lift")
	}
	if o.CacheRequest == nil {
		o.CacheRequest = QuickstartItemEvent("espresso")
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 15 * time.Minute
	}
	if o.InvokeTimeout <= 0 {
		o.InvokeTimeout = time.Minute
	}
	return o
}

// HostArchitecture is the Lambda architecture name of this machine.
func HostArchitecture() string {
	if runtime.GOARCH == "arm64" {
		return "arm64"
	}
	return "x86_64"
}

// QuickstartGreetingEvent is GET /greeting?name=NAME as an API Gateway HTTP
// API (payload 2.0) event, which the quickstart handler serves.
func QuickstartGreetingEvent(name string) []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              "GET /greeting",
		RawPath:               "/greeting",
		RawQueryString:        "name=" + name,
		QueryStringParameters: map[string]string{"name": name},
		Headers:               map[string]string{"accept": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "liftdemo-request",
			Stage:     "$default",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/greeting", Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}
	b, _ := json.Marshal(ev) // plain struct: cannot fail
	return b
}

// EventKind says where a step is.
type EventKind int

const (
	StepStarted EventKind = iota
	StepDone
	StepFailed
)

// Event reports one step's progress to Options.Observer.
type Event struct {
	Kind    EventKind
	Step    string        // short id: moto, bootstrap, deploy, ...
	Title   string        // what the step does, for people
	Elapsed time.Duration // on StepDone and StepFailed
	Lines   []string      // what the step found, on StepDone
	Err     error         // on StepFailed
}
