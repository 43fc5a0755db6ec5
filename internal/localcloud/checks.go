package localcloud

import (
	"fmt"
	"slices"
	"strings"

	"github.com/liftcdk/lift/internal/contract"
)

// Check is one expectation about a Report.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// Checks evaluates what a successful run of the quickstart must show: the
// stack created, the function configured as gofunction promises, its HTTP
// API (if any) on the live alias, a cold
// warm-up, a warm request, a passing health report and the shutdown hooks.
func (r *Report) Checks() []Check {
	f := r.Function
	var out []Check
	add := func(name string, ok bool, format string, args ...any) {
		out = append(out, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
	}
	add("stack created", r.Stack.Status == "CREATE_COMPLETE", "status %s", r.Stack.Status)
	add("runtime provided.al2023", f.Runtime == "provided.al2023", "runtime %q", f.Runtime)
	add("handler bootstrap", f.Handler == "bootstrap", "handler %q", f.Handler)
	add("architecture "+r.Architecture, len(f.Architectures) == 1 && f.Architectures[0] == r.Architecture, "architectures %v", f.Architectures)
	add("LIFT_SERVICE set", f.Env[contract.EnvService] != "", "%s=%q", contract.EnvService, f.Env[contract.EnvService])
	add("asset built for the function's architecture", r.Asset.Machine != "" && slices.Contains(f.Architectures, lambdaArchitecture(r.Asset.Machine)), "asset %s", r.Asset.Machine)
	for id, api := range r.ReadBack.HTTPAPIs {
		route := api.Routes["$default"]
		integ := api.Integrations[strings.TrimPrefix(route.Target, "integrations/")]
		add("HTTP API routes to the live alias", integ.URI == f.ARN+":live" && integ.PayloadFormatVersion == "2.0",
			"API %s: $default → %q (payload %s)", id, integ.URI, integ.PayloadFormatVersion)
	}
	add("warm-up answered cold", r.Warmup.Answer.Lift == contract.ControlWarmup && r.Warmup.Answer.ColdStart, "lift=%q coldStart=%v", r.Warmup.Answer.Lift, r.Warmup.Answer.ColdStart)
	add("warm-up instance id", r.Warmup.Answer.InstanceID != "", "instanceId %q", r.Warmup.Answer.InstanceID)
	warm := r.Request.ColdStart != nil && !*r.Request.ColdStart
	add("request answered 200, warm", r.Request.StatusCode == 200 && warm, "status %d coldStart %v", r.Request.StatusCode, deref(r.Request.ColdStart))
	c := r.Cache
	add("cache miss loaded and filled DynamoDB", c.FirstCached != nil && !*c.FirstCached && len(c.Items) > 0,
		"first read cached=%v, %d item(s) in %s", deref(c.FirstCached), len(c.Items), c.Table)
	add("cache memory hit", c.SecondCached != nil && *c.SecondCached && c.MemoryHits >= 1,
		"second read cached=%v, memory hits reported %g", deref(c.SecondCached), c.MemoryHits)
	add("health pass", r.Health.Answer.Status == contract.StatusPass && len(r.Health.Answer.Checks) > 0, "status %q, %d checks", r.Health.Answer.Status, len(r.Health.Answer.Checks))
	var complete, hooks int
	for _, l := range r.Shutdown.Lines {
		switch {
		case strings.Contains(l.Msg, "shutdown complete"):
			complete++
		case strings.Contains(l.Msg, "shutdown hook"):
			hooks++
		}
	}
	add("shutdown hooks ran", complete == 1 && hooks > 0, "%d hook lines, %d completion lines", hooks, complete)
	return out
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks() {
		if !c.OK {
			return false
		}
	}
	return true
}

func deref(b *bool) any {
	if b == nil {
		return "absent"
	}
	return *b
}
