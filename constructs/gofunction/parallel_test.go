package gofunction_test

import (
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/internal/bundling"
)

func goBuilds(t *testing.T) int {
	t.Helper()
	s, err := bundling.DefaultScheduler()
	if err != nil {
		t.Fatal(err)
	}
	return s.Batches()
}

// TestHandlersBuildTogether checks that New only queues the handler's build,
// that the synth builds the queued handlers with one go build per module and
// architecture, that functions sharing an entry and architecture share one
// binary, and that each still gets its own staged bootstrap.
func TestHandlersBuildTogether(t *testing.T) {
	// Without the handler check, which would add builds for this machine.
	app, stack := cdktest.NewStack(t, "Shared", cdktest.WithContext(gofunction.CheckContext, "false"))
	hello := testdataDir(t, "hello")
	other := writeModule(t, "other") + "/cmd/hello"

	before := goBuilds(t)
	gofunction.New(stack, jsii.String("A"), &gofunction.Props{Entry: jsii.String(hello)})
	gofunction.New(stack, jsii.String("B"), &gofunction.Props{Entry: jsii.String(hello)}) // shares A's build
	gofunction.New(stack, jsii.String("C"), &gofunction.Props{Entry: jsii.String(hello), Architecture: awslambda.Architecture_X86_64()})
	gofunction.New(stack, jsii.String("D"), &gofunction.Props{Entry: jsii.String(other)})
	if n := goBuilds(t) - before; n != 0 {
		t.Fatalf("New started %d go builds, want none before synth", n)
	}

	tmpl := cdktest.Template(stack)
	if n := goBuilds(t) - before; n != 3 {
		t.Fatalf("synth ran %d go builds, want 3 (this module for arm64 and amd64, the other module for arm64)", n)
	}
	hashA, bootA := functionAsset(t, app, tmpl, "AFunction")
	hashB, bootB := functionAsset(t, app, tmpl, "BFunction")
	hashC, _ := functionAsset(t, app, tmpl, "CFunction")
	hashD, bootD := functionAsset(t, app, tmpl, "DFunction")
	if hashA != hashB {
		t.Errorf("same entry and arch gave two assets: %s, %s", hashA, hashB)
	}
	if hashC == hashA || hashD == hashA || hashC == hashD {
		t.Errorf("distinct handlers share an asset: A %s, C %s, D %s", hashA, hashC, hashD)
	}
	for _, p := range []string{bootA, bootB, bootD} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("bootstrap not staged: %v", err)
		}
	}
}

// TestUnbundledStackStartsNoBuild: a stack CDK does not bundle (as in
// `cdk ls`, or `cdk synth --exclusively` of another stack) starts no build,
// so even a handler that does not compile does not fail it.
func TestUnbundledStackStartsNoBuild(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Unbundled", cdktest.WithContext("aws:cdk:bundling-stacks", []any{}))
	before := goBuilds(t)
	gofunction.New(stack, jsii.String("Fn"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "broken"))})
	cdktest.Template(stack).ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(1))
	if n := goBuilds(t) - before; n != 0 {
		t.Fatalf("an unbundled stack started %d builds", n)
	}
}
