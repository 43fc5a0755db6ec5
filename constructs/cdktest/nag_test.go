package cdktest_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
)

// TestRequireNagClean: an app made without WithNag has no findings, so
// RequireNagClean must fail rather than pass it; with WithNag, a stack no
// AwsSolutions rule applies to passes.
func TestRequireNagClean(t *testing.T) {
	for name, opts := range map[string][]cdktest.Option{"without nag": nil, "with nag": {cdktest.WithNag()}} {
		_, stack := cdktest.NewStack(t, "Plain", opts...)
		awscdk.NewCfnWaitConditionHandle(stack, jsii.String("Handle"), nil)
		inner := &testing.T{}
		done := make(chan struct{})
		go func() { defer close(done); cdktest.RequireNagClean(inner, stack) }()
		<-done
		if want := name == "without nag"; inner.Failed() != want {
			t.Errorf("%s: RequireNagClean failed = %v, want %v", name, inner.Failed(), want)
		}
	}
}
