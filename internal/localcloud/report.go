package localcloud

import (
	"encoding/json"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// Report is everything Run saw, step by step. Fields of steps that did not
// run are zero.
type Report struct {
	MotoURL      string
	EmulatorURL  string // the invocation URL while the function ran
	Architecture string
	Bootstrap    Command
	Deploy       Command
	Stack        Stack
	ReadBack     ReadBack
	Function     Function
	Asset        Asset
	Warmup       WarmupResult
	Request      RequestResult
	Cache        CacheResult
	Health       HealthResult
	Shutdown     ShutdownResult
	FunctionLogs string // emulator and function output, whole
	Steps        []StepTiming
}

// Command is one CLI run.
type Command struct {
	Args     []string
	Duration time.Duration
	Output   string // combined output, whole
}

// Stack is the deployed stack as CloudFormation describes it.
type Stack struct {
	Name, ID, Status string
	Outputs          map[string]string
	Resources        []Resource
}

// Resource is one stack resource.
type Resource struct {
	LogicalID, PhysicalID, Type, Status string
}

// Function is the deployed function's configuration, read back from Lambda.
type Function struct {
	Name, ARN, Runtime, Handler, Role string
	Architectures                     []string
	MemoryMB, TimeoutSeconds          int32
	Env                               map[string]string
	CodeSize                          int64
	CodeSha256                        string
	LogicalID                         string // in the stack's template
}

// Asset is the function's code in the cloud assembly.
type Asset struct {
	ID        string // asset hash: the S3 object key without .zip
	Dir       string // cdk.out/asset.<hash>
	Bootstrap string // Dir/bootstrap
	Size      int64
	Machine   string // ELF machine of bootstrap, e.g. EM_X86_64
}

// Invocation is one call through the emulator.
type Invocation struct {
	Payload  json.RawMessage
	Response json.RawMessage
	Latency  time.Duration
}

// WarmupResult is the warm-up event's answer.
type WarmupResult struct {
	Invocation
	Answer contract.WarmupResponse
}

// RequestResult is the business request's answer as an HTTP API response.
type RequestResult struct {
	Invocation
	StatusCode int
	Body       json.RawMessage // the HTTP body, when it is JSON
	ColdStart  *bool           // the body's "coldStart" field, when present
}

// HealthResult is the health event's answer.
type HealthResult struct {
	Invocation
	Answer contract.HealthResponse
}

// ShutdownResult is what SIGTERM produced.
type ShutdownResult struct {
	Duration time.Duration // SIGTERM to emulator exit
	// Lines are the function's log lines about shutdown (structured log
	// records whose message mentions shutdown), in order.
	Lines []LogLine
}

// LogLine is one structured (JSON) log record of the function.
type LogLine struct {
	Msg    string
	Fields map[string]any
	Raw    string
}

// StepTiming is how long a step took and whether it passed.
type StepTiming struct {
	Step     string
	Duration time.Duration
	Err      error
}
