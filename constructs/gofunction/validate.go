package gofunction

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/bundling"
	"github.com/liftcdk/lift/constructs/internal/defaults"
	"github.com/liftcdk/lift/constructs/internal/token"
	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidProps is wrapped by the error New panics with when Props are
// wrong; the error text names each bad prop, its value and the fix.
var ErrInvalidProps = errors.New("invalid gofunction.Props")

// maxShutdownBudget is Lambda's grace period between SIGTERM and SIGKILL.
const maxShutdownBudget = 500 * time.Millisecond

// lambdaMemoryMB is the memory Lambda gives a function whose MemorySize is unset.
const lambdaMemoryMB = 128

var serviceNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// resolved is Props after validation and defaulting.
type resolved struct {
	entry   bundling.Entry
	arch    awslambda.Architecture
	goarch  string
	service string
	env     map[string]*string // user's and Lift's
	options awslambda.FunctionOptions
}

// resolve validates props and applies defaults. It reports every problem at
// once, so one failed synth shows everything to fix.
func resolve(id string, p *Props) (*resolved, error) {
	if p == nil {
		p = &Props{}
	}
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	r := &resolved{arch: p.Architecture}

	if r.arch == nil {
		r.arch = defaults.Architecture()
	}
	switch name := *r.arch.Name(); name {
	case "arm64":
		r.goarch = "arm64"
	case "x86_64":
		r.goarch = "amd64"
	default:
		bad("Architecture %q is not supported: use awslambda.Architecture_ARM_64() (default) or awslambda.Architecture_X86_64()", name)
	}

	if r.goarch != "" {
		entry, err := bundling.ResolveEntry(deref(p.Entry), r.goarch)
		if err != nil {
			problems = append(problems, fmt.Errorf("Entry: %w", err))
		}
		r.entry = entry
	}

	r.service = id
	if p.ServiceName != nil {
		r.service = *p.ServiceName
	}
	if !serviceNamePattern.MatchString(r.service) {
		if p.ServiceName != nil {
			bad("ServiceName %q is not valid: use 1-64 letters, digits, '.', '_' or '-'", r.service)
		} else {
			bad("ServiceName is unset and the construct id %q is not a valid service name: set ServiceName to 1-64 letters, digits, '.', '_' or '-'", id)
		}
	}

	logLevel := defaults.LogLevel
	if p.LogLevel != nil {
		logLevel = *p.LogLevel
		if !slices.Contains(defaults.LogLevels, logLevel) {
			bad("LogLevel %q is not valid: use one of %s", logLevel, strings.Join(defaults.LogLevels, ", "))
		}
	}

	r.env = liftEnvironment(r.service, logLevel)
	if p.ShutdownBudget != nil {
		ms := *p.ShutdownBudget.ToMilliseconds(nil)
		d := time.Duration(ms) * time.Millisecond
		if d <= 0 || d > maxShutdownBudget {
			bad("ShutdownBudget %s is out of range: use 1ms to %s (Lambda sends SIGKILL ~500ms after SIGTERM), e.g. awscdk.Duration_Millis(jsii.Number(400))", d, maxShutdownBudget)
		} else {
			r.env[envShutdownBudget] = jsii.String(d.String())
		}
	}
	if p.MetricsNamespace != nil {
		if ns := *p.MetricsNamespace; ns == "" || len(ns) > 255 || strings.HasPrefix(ns, "AWS/") {
			bad("MetricsNamespace %q is not valid: use 1-255 characters not starting with \"AWS/\", or leave it unset for \"Lift\"", ns)
		} else {
			r.env[envMetricsNamespace] = p.MetricsNamespace
		}
	}

	if p.FunctionOptions != nil {
		r.options = *p.FunctionOptions // a copy: the caller's props are never modified
	}
	o := &r.options
	for _, name := range []string{"Architecture", "LogRetention", "LogRetentionRole", "LogRetentionRetryOptions", "LogRemovalPolicy", "LogGroup"} {
		if isSet(reflect.ValueOf(o).Elem().FieldByName(name).Interface()) {
			fix := "Props." + name
			if strings.HasPrefix(name, "LogRetention") {
				fix = "Props.LogRetention (a native log group retention, no custom resource)"
			}
			bad("FunctionOptions.%s is set: Lift manages it, use %s instead", name, fix)
		}
	}
	overlay(&problems, "MemorySize", p.MemorySize, &o.MemorySize)
	overlay(&problems, "Timeout", p.Timeout, &o.Timeout)
	overlay(&problems, "Tracing", p.Tracing, &o.Tracing)
	overlay(&problems, "ReservedConcurrentExecutions", p.ReservedConcurrentExecutions, &o.ReservedConcurrentExecutions)
	overlay(&problems, "Description", p.Description, &o.Description)
	overlay(&problems, "FunctionName", p.FunctionName, &o.FunctionName)
	overlay(&problems, "Vpc", p.Vpc, &o.Vpc)
	overlay(&problems, "VpcSubnets", p.VpcSubnets, &o.VpcSubnets)
	overlay(&problems, "SecurityGroups", p.SecurityGroups, &o.SecurityGroups)
	overlay(&problems, "Role", p.Role, &o.Role)
	overlay(&problems, "Environment", p.Environment, &o.Environment)
	cacheMemoryBytes(r.env, bad, p.CacheMemoryBytes, o.MemorySize)

	if o.Environment != nil {
		for k, v := range *o.Environment {
			if strings.HasPrefix(k, envPrefix) {
				bad("Environment[%q] is set: LIFT_* variables belong to Lift; %s", k, liftEnvFix(k))
				continue
			}
			r.env[k] = v
		}
	}

	if p.LogGroup != nil && (p.LogRetention != "" || p.LogRemovalPolicy != "") {
		bad("LogGroup is set together with LogRetention %q / LogRemovalPolicy %q: they apply only to the log group Lift creates; set retention on your log group, or drop LogGroup",
			p.LogRetention, p.LogRemovalPolicy)
	}

	if len(problems) > 0 {
		return nil, fmt.Errorf("%w for construct %q:\n  - %w", ErrInvalidProps, id, joinIndented(problems))
	}
	return r, nil
}

// cacheMemoryBytes checks Props.CacheMemoryBytes against the runtime's minimum
// and half of the function's memory (memorySize, MB; nil is Lambda's default),
// and writes it to env.
func cacheMemoryBytes(env map[string]*string, bad func(string, ...any), n, memorySize *float64) {
	if n == nil {
		return
	}
	if token.Unresolved(n) {
		bad("CacheMemoryBytes is a token: give a literal whole number of bytes, e.g. jsii.Number(16 << 20) for 16 MiB")
		return
	}
	v := strconv.FormatFloat(*n, 'f', -1, 64)
	if math.IsInf(*n, 0) || *n != math.Trunc(*n) || *n < contract.MinCacheMemoryBytes {
		bad("CacheMemoryBytes %s is not valid: give a whole number of bytes, at least %d, e.g. jsii.Number(16 << 20) for 16 MiB, or leave it unset for the runtime's default",
			v, contract.MinCacheMemoryBytes)
		return
	}
	memMB, known := float64(lambdaMemoryMB), true
	if memorySize != nil {
		memMB, known = *memorySize, !token.Unresolved(memorySize) // a token: the bound is unknown until deploy
	}
	if limit := memMB * (1 << 20) / 2; known && *n > limit {
		bad("CacheMemoryBytes %s is more than half of the function's %s MB of memory (%s bytes): lower it, or raise MemorySize to at least %.0f MB",
			v, strconv.FormatFloat(memMB, 'f', -1, 64), strconv.FormatFloat(limit, 'f', -1, 64), math.Ceil(2**n/(1<<20)))
		return
	}
	env[contract.EnvCacheMemoryBytes] = jsii.String(v)
}

// overlay copies a Props field onto the matching FunctionOptions field,
// refusing a value set in both places.
func overlay[T any](problems *[]error, name string, top T, dst *T) {
	if !isSet(top) {
		return
	}
	if isSet(*dst) {
		*problems = append(*problems, fmt.Errorf("%s is set both in Props and in Props.FunctionOptions: set it in Props only", name))
		return
	}
	*dst = top
}

func isSet(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.IsValid() && !rv.IsZero()
}

// multiError keeps every problem reachable by errors.Is while printing them
// one per line.
type multiError []error

func (m multiError) Error() string {
	lines := make([]string, len(m))
	for i, err := range m {
		lines[i] = strings.ReplaceAll(err.Error(), "\n", "\n    ")
	}
	return strings.Join(lines, "\n  - ")
}

func (m multiError) Unwrap() []error { return m }

func joinIndented(errs []error) error { return multiError(errs) }
