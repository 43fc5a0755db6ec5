package bundling

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	jsiiruntime "github.com/aws/jsii-runtime-go/runtime"

	"github.com/liftcdk/lift/internal/contract"
)

// checkHandler runs the handler check of h's function (see Check) on the
// binary that runs here: the Lambda binary when this machine is linux on the
// same architecture, else the host binary built in the same synth. It returns
// the error that fails the synth, or nil.
func (h *Handler) checkHandler() error {
	b := h.bundler
	bin := b.pending.Output()
	if b.hostPending != nil {
		if err := h.sched.Wait(b.hostPending); err != nil {
			return fmt.Errorf("%w for %s: building the handler for this machine (%s/%s) to check it: %w",
				ErrCheck, b.Label, runtime.GOOS, runtime.GOARCH, err)
		}
		bin = b.hostPending.Output()
	}
	env, skipped := functionEnvironment(h.fn)
	for _, name := range skipped {
		env[name] = deployStandIn(name)
	}
	lambdaRegion(env, h.fn)
	res, err := Check(context.Background(), bin, env)
	if err != nil {
		return fmt.Errorf("%s: the handler of entry %q (%s) refuses to start: %w\n"+
			"(checked at synth by running it with %s and the function's environment%s; fix the handler or the function's props, "+
			"or skip the check with -c %s=false)", b.Label, b.Entry.Given, b.Entry.Dir, err, contract.EnvCheck+"=1", skippedNote(skipped), CheckContext)
	}
	if !res.Answered {
		fmt.Fprintf(os.Stderr, "lift: %s: handler not checked: %s (run with the function's environment%s)\n", b.Label, res.Note, skippedNote(skipped))
	}
	return nil
}

// CheckContext is the CDK context key that turns the synth-time handler check
// off ("false"); it is on by default.
const CheckContext = "lift:check"

func skippedNote(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	return fmt.Sprintf(", with stand-ins for %v, known only at deploy", skipped)
}

// lambdaRegion sets AWS_REGION as Lambda does (SDK clients and IAM auth
// tokens need it at init): the stack's Region, or a stand-in for an
// environment-agnostic stack.
func lambdaRegion(env map[string]string, fn awslambda.Function) {
	region := awscdk.Stack_Of(fn).Region()
	if region == nil || *awscdk.Token_IsUnresolved(region) {
		region = jsii.String("us-east-1")
	}
	env["AWS_REGION"] = *region
}

// deployStandIn is the check's value for a variable known only at deploy (a
// table name, queue URL or topic ARN reference), shaped like such values, so
// an init that reads it (cache.FromEnv, jobs.ConfigFromEnv) gets as far as
// lift.Start and is checked. It names nothing that exists.
func deployStandIn(name string) string {
	switch {
	case strings.HasSuffix(name, "_ARN"):
		return "arn:aws:lift-check:us-east-1:000000000000:known-at-deploy"
	case strings.HasSuffix(name, "_URL"):
		return "https://lift-check.invalid/known-at-deploy"
	case strings.HasSuffix(name, "_ENDPOINT"):
		return "lift-check.invalid:6379"
	}
	return "lift-check-known-at-deploy"
}

// functionEnvironment is fn's environment as it will be synthesized, with
// every variable other constructs added (cache tier, discovery, ...). Values
// known only at deploy (references, parameters) are left out and named in
// skipped. CfnFunction.Environment() cannot serve: jsii hands the lazy value
// back as an empty struct, so the property is read as the IResolvable it is.
func functionEnvironment(fn awslambda.Function) (env map[string]string, skipped []string) {
	env = map[string]string{}
	cfn, ok := fn.Node().DefaultChild().(awslambda.CfnFunction)
	if !ok {
		return env, nil
	}
	var lazy awscdk.IResolvable
	jsiiruntime.Get(cfn, "environment", &lazy)
	if lazy == nil {
		return env, nil
	}
	resolved, _ := awscdk.Stack_Of(fn).Resolve(lazy).(map[string]any)
	vars, _ := resolved["variables"].(map[string]any)
	for k, v := range vars {
		if s, ok := v.(string); ok {
			env[k] = s
		} else {
			skipped = append(skipped, k)
		}
	}
	slices.Sort(skipped)
	return env, skipped
}
