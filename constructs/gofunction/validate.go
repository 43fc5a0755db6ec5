package gofunction

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/bundling"
	"github.com/liftcdk/lift/constructs/internal/defaults"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/internal/token"
	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidProps is wrapped by the error New panics with when Props are
// wrong; the error lists each bad prop with the construct path, its value and
// the fix.
var ErrInvalidProps = errors.New("invalid gofunction.Props")

// Lambda's limits (CreateFunction API reference).
const (
	lambdaMemoryMB    = 128 // the memory Lambda gives a function whose MemorySize is unset
	minMemoryMB       = 128
	maxMemoryMB       = 10240
	maxTimeoutSeconds = 15 * 60
)

// lambdaEnvName is the environment variable name Lambda accepts.
var lambdaEnvName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]+$`)

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
func resolve(c *propcheck.Collector, id string, p *Props) *resolved {
	if p == nil {
		p = &Props{}
	}
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
		c.Add("Architecture", name, "use awslambda.Architecture_ARM_64() (default) or awslambda.Architecture_X86_64()")
	}

	if r.goarch != "" {
		entry, err := bundling.ResolveEntry(deref(p.Entry), r.goarch)
		if err != nil {
			c.Add("Entry", p.Entry, "%v", err)
		}
		r.entry = entry
	}

	r.service = id
	if p.ServiceName != nil {
		r.service = *p.ServiceName
	}
	if err := contract.ValidServiceName(r.service); err != nil {
		if p.ServiceName != nil {
			c.Add("ServiceName", r.service, "use %s", contract.ServiceNameRule)
		} else {
			c.Add("ServiceName", propcheck.Literal(fmt.Sprintf("unset and the construct id %q is not a valid service name", id)),
				"set ServiceName: %s", contract.ServiceNameRule)
		}
	}

	logLevel := defaults.LogLevel
	if p.LogLevel != nil {
		logLevel = *p.LogLevel
		if !slices.Contains(defaults.LogLevels, logLevel) {
			c.Add("LogLevel", logLevel, "use one of %s", strings.Join(defaults.LogLevels, ", "))
		}
	}

	r.env = liftEnvironment(r.service, logLevel)
	if p.ShutdownBudget != nil {
		ms := *p.ShutdownBudget.ToMilliseconds(nil)
		d := time.Duration(ms) * time.Millisecond
		if d <= 0 || d > contract.MaxShutdownBudget {
			c.Add("ShutdownBudget", propcheck.Literal(d.String()),
				"use 1ms to %s (Lambda sends SIGKILL about 500ms after SIGTERM and the runtime keeps 50ms to flush metrics), e.g. awscdk.Duration_Millis(jsii.Number(400))",
				contract.MaxShutdownBudget)
		} else {
			r.env[envShutdownBudget] = jsii.String(d.String())
		}
	}
	if p.MetricsNamespace != nil {
		if ns := *p.MetricsNamespace; ns == "" || len(ns) > 255 || strings.HasPrefix(ns, "AWS/") {
			c.Add("MetricsNamespace", ns, "use 1-255 characters not starting with \"AWS/\", or leave it unset for \"Lift\"")
		} else {
			r.env[envMetricsNamespace] = p.MetricsNamespace
		}
	}
	controlAuth(c, r.env, p.ControlAuth)

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
			c.Add("FunctionOptions."+name, propcheck.Literal("set"), "Lift manages it: use %s instead", fix)
		}
	}
	overlay(c, "MemorySize", p.MemorySize, &o.MemorySize)
	overlay(c, "Timeout", p.Timeout, &o.Timeout)
	overlay(c, "Tracing", p.Tracing, &o.Tracing)
	overlay(c, "ReservedConcurrentExecutions", p.ReservedConcurrentExecutions, &o.ReservedConcurrentExecutions)
	overlay(c, "Description", p.Description, &o.Description)
	overlay(c, "FunctionName", p.FunctionName, &o.FunctionName)
	overlay(c, "Vpc", p.Vpc, &o.Vpc)
	overlay(c, "VpcSubnets", p.VpcSubnets, &o.VpcSubnets)
	overlay(c, "SecurityGroups", p.SecurityGroups, &o.SecurityGroups)
	overlay(c, "Role", p.Role, &o.Role)
	overlay(c, "Environment", p.Environment, &o.Environment)
	lambdaLimits(c, o)
	cacheMemoryBytes(c, r.env, p.CacheMemoryBytes, o.MemorySize)

	if o.Environment != nil {
		for _, k := range slices.Sorted(maps.Keys(*o.Environment)) {
			switch {
			case strings.HasPrefix(k, envPrefix):
				c.Add(fmt.Sprintf("Environment[%q]", k), (*o.Environment)[k], "LIFT_* variables belong to Lift; %s", liftEnvFix(k))
			case !lambdaEnvName.MatchString(k):
				c.Add("Environment", k, "Lambda accepts only names of a letter then letters, digits and '_' ([a-zA-Z][a-zA-Z0-9_]+)%s", envNameExample(k))
			default:
				r.env[k] = (*o.Environment)[k]
			}
		}
	}

	if p.LogGroup != nil && (p.LogRetention != "" || p.LogRemovalPolicy != "") {
		c.Add("LogGroup", propcheck.Literal(fmt.Sprintf("set together with LogRetention %q / LogRemovalPolicy %q", p.LogRetention, p.LogRemovalPolicy)),
			"they apply only to the log group Lift creates; set retention on your log group, or drop LogGroup")
	}
	return r
}

var notEnvChar = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// envNameExample suggests a valid name close to name, when there is one.
func envNameExample(name string) string {
	if s := strings.Trim(notEnvChar.ReplaceAllString(name, "_"), "_"); lambdaEnvName.MatchString(s) {
		return fmt.Sprintf(", e.g. %q", s)
	}
	return ""
}

// lambdaLimits refuses what CreateFunction would refuse at deploy: memory
// outside 128-10240 MB, a timeout outside 1 s-15 min. Tokens are left to
// CloudFormation.
func lambdaLimits(c *propcheck.Collector, o *awslambda.FunctionOptions) {
	if m := o.MemorySize; m != nil && !token.Unresolved(m) && (*m < minMemoryMB || *m > maxMemoryMB || *m != math.Trunc(*m)) {
		c.Add("MemorySize", m, "Lambda allows a whole number of MB from %d to %d, e.g. jsii.Number(512)", minMemoryMB, maxMemoryMB)
	}
	if t := o.Timeout; t != nil && !token.Unresolved(t.ToSeconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)})) {
		if s := *t.ToSeconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)}); s < 1 || s > maxTimeoutSeconds {
			c.Add("Timeout", t, "Lambda allows 1 second to 15 minutes, e.g. awscdk.Duration_Seconds(jsii.Number(30))")
		}
	}
}

// cacheMemoryBytes checks Props.CacheMemoryBytes against the runtime's minimum
// and half of the function's memory (memorySize, MB; nil is Lambda's default),
// and writes it to env.
func cacheMemoryBytes(c *propcheck.Collector, env map[string]*string, n, memorySize *float64) {
	if n == nil {
		return
	}
	if token.Unresolved(n) {
		c.Add("CacheMemoryBytes", n, "give a literal whole number of bytes, e.g. jsii.Number(16 << 20) for 16 MiB")
		return
	}
	v := strconv.FormatFloat(*n, 'f', -1, 64)
	if math.IsInf(*n, 0) || *n != math.Trunc(*n) || *n < contract.MinCacheMemoryBytes {
		c.Add("CacheMemoryBytes", n, "give a whole number of bytes, at least %d, e.g. jsii.Number(16 << 20) for 16 MiB, or leave it unset for the runtime's default",
			contract.MinCacheMemoryBytes)
		return
	}
	memMB, known := float64(lambdaMemoryMB), true
	if memorySize != nil {
		memMB, known = *memorySize, !token.Unresolved(memorySize) // a token: the bound is unknown until deploy
	}
	if limit := memMB * (1 << 20) / 2; known && *n > limit {
		c.Add("CacheMemoryBytes", n, "it is more than half of the function's %s MB of memory (%s bytes): lower it, or raise MemorySize to at least %.0f MB",
			strconv.FormatFloat(memMB, 'f', -1, 64), strconv.FormatFloat(limit, 'f', -1, 64), math.Ceil(2**n/(1<<20)))
		return
	}
	env[contract.EnvCacheMemoryBytes] = jsii.String(v)
}

// overlay copies a Props field onto the matching FunctionOptions field,
// refusing a value set in both places.
func overlay[T any](c *propcheck.Collector, name string, top T, dst *T) {
	if !isSet(top) {
		return
	}
	if isSet(*dst) {
		c.Add("FunctionOptions."+name, propcheck.Literal("set, and Props."+name+" is set too"), "set it in Props.%s only and drop FunctionOptions.%s", name, name)
		return
	}
	*dst = top
}

func isSet(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.IsValid() && !rv.IsZero()
}
