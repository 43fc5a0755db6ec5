package gofunction_test

import (
	"debug/elf"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/prewarm"
)

// TestArchitectureFollowsContext: under -c lift:architecture=x86_64 every
// Lift function without an Architecture prop (two functions and the warmer)
// is x86_64 and built for amd64, while a function whose props say ARM_64
// stays arm64. The caller's props are not modified.
func TestArchitectureFollowsContext(t *testing.T) {
	app, stack := cdktest.NewStack(t, "Arch", cdktest.WithContext(gofunction.ArchitectureContext, "x86_64"))
	hello := jsii.String(testdataDir(t, "hello"))
	props := &gofunction.Props{Entry: hello}
	one := gofunction.New(stack, jsii.String("One"), props)
	gofunction.New(stack, jsii.String("Two"), &gofunction.Props{Entry: hello})
	gofunction.New(stack, jsii.String("Pinned"), &gofunction.Props{Entry: hello, Architecture: awslambda.Architecture_ARM_64()})
	if props.Architecture != nil {
		t.Fatal("New modified the caller's props")
	}
	prewarm.WarmerOf(stack).AddTarget(one.AddAlias(jsii.String("live"), nil), nil)

	tmpl := cdktest.Template(stack)
	got := map[string]any{}
	for id, r := range cdktest.Resources(t, tmpl, "AWS::Lambda::Function") {
		got[id[:strings.Index(id, "Function")]] = r["Properties"].(map[string]any)["Architectures"].([]any)[0]
	}
	want := map[string]any{"One": "x86_64", "Two": "x86_64", "Pinned": "arm64", "LiftWarmer": "x86_64"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s architecture = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("functions %v, want %v", got, want)
	}
	_, bootstrap := functionAsset(t, app, tmpl, "TwoFunction")
	if m := elfMachine(t, bootstrap); m != elf.EM_X86_64 {
		t.Errorf("Two is built for %v, want EM_X86_64", m)
	}
}

// TestArchitectureContextInvalid: a bad context value fails New with the
// key, the value and the choices.
func TestArchitectureContextInvalid(t *testing.T) {
	_, stack := cdktest.NewStack(t, "BadArch", cdktest.WithContext(gofunction.ArchitectureContext, "sparc"))
	err := cdktest.SynthError(t, gofunction.ErrInvalidProps, func() {
		gofunction.New(stack, jsii.String("Fn"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "hello"))})
	})
	for _, want := range []string{"BadArch/Fn", "lift:architecture", "sparc", "x86_64", "Props.Architecture"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
