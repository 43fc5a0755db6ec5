//lint:file-ignore SA1019 assertions.Annotations returns cxapi.SynthesisMessage; aws-cdk-go offers no other type

package cdktest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Finding is one unsuppressed cdk-nag result.
type Finding struct {
	Level   string // "error" or "warning"
	Path    string // construct path of the resource
	Message string // rule id, explanation and fix
}

func (f Finding) String() string { return fmt.Sprintf("%s %s: %s", f.Level, f.Path, f.Message) }

// NagFindings returns the stack's unsuppressed AwsSolutions errors and
// warnings. The app must have been made with WithNag. Suppressed findings
// (cdknag.NagSuppressions with a reason) are not returned.
func NagFindings(stack awscdk.Stack) []Finding {
	ann := assertions.Annotations_FromStack(stack)
	match := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	var out []Finding
	add := func(level string, msgs *[]*cxapi.SynthesisMessage) {
		for _, m := range *msgs {
			out = append(out, Finding{Level: level, Path: *m.Id, Message: fmt.Sprint(m.Entry.Data)})
		}
	}
	add("error", ann.FindError(jsii.String("*"), match))
	add("warning", ann.FindWarning(jsii.String("*"), match))
	return out
}

// RequireNagClean fails the test when the stack has unsuppressed
// AwsSolutions findings, listing each with its fix, or when its app does not
// run the AwsSolutions pack (made without WithNag), which would pass any stack.
func RequireNagClean(t testing.TB, stack awscdk.Stack) {
	t.Helper()
	if !runsAwsSolutions(stack) {
		t.Fatalf("cdktest: %s's app does not run cdk-nag AwsSolutions: make it with cdktest.WithNag()", *stack.StackName())
	}
	if f := NagFindings(stack); len(f) > 0 {
		lines := make([]string, len(f))
		for i, x := range f {
			lines[i] = x.String()
		}
		t.Fatalf("cdktest: %d unsuppressed cdk-nag AwsSolutions findings (fix them, or suppress with cdknag.NagSuppressions and a reason):\n%s",
			len(f), strings.Join(lines, "\n"))
	}
}

// runsAwsSolutions reports whether the stack's app has the AwsSolutions pack
// as an aspect.
func runsAwsSolutions(stack awscdk.Stack) bool {
	for _, a := range *awscdk.Aspects_Of(stack.Node().Root()).All() {
		if pack, ok := a.(cdknag.NagPack); ok && *pack.ReadPackName() == "AwsSolutions" {
			return true
		}
	}
	return false
}
