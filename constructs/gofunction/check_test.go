package gofunction_test

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// TestHandlerCheck: each built handler runs once with LIFT_CHECK=1 and its
// function's environment as synthesized (stand-ins for values known only
// at deploy). Handlers
// that refuse to start fail the synth with their message, the construct path
// and the fix, whether the check runs on a host build (arm64 here) or on the
// Lambda binary itself (x86_64 on an amd64 machine); a valid one and a
// handler that does not answer (hello) pass.
func TestHandlerCheck(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Check")
	checked := jsii.String(testdataDir(t, "checked"))
	bucket := awss3.NewBucket(stack, jsii.String("Bucket"), nil)
	gofunction.New(stack, jsii.String("Good"), &gofunction.Props{Entry: checked,
		Environment: &map[string]*string{"CHECK_VERDICT": jsii.String("pass"), "BUCKET": bucket.BucketName()}})
	gofunction.New(stack, jsii.String("BadArm"), &gofunction.Props{Entry: checked,
		Environment: &map[string]*string{"CHECK_VERDICT": jsii.String("fail")}})
	gofunction.New(stack, jsii.String("BadX86"), &gofunction.Props{Entry: checked, Architecture: awslambda.Architecture_X86_64()})
	gofunction.New(stack, jsii.String("Plain"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "hello"))})
	// A variable added after New (as the cache tier and discovery do) reaches the check.
	gofunction.New(stack, jsii.String("Later"), &gofunction.Props{Entry: checked}).
		AddEnvironment(jsii.String("CHECK_VERDICT"), jsii.String("pass"), nil)

	msg := cdktest.SynthError(t, nil, func() { cdktest.Template(stack) }).Error()
	for _, want := range []string{
		"Check/BadArm: the handler of entry", `handler func(int, int) is not supported`, `LIFT_SERVICE=BadArm, CHECK_VERDICT="fail"`,
		"Check/BadX86: the handler of entry", `LIFT_SERVICE=BadX86, CHECK_VERDICT=""`,
		"-c lift:check=false",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("synth error lacks %q:\n%s", want, msg)
		}
	}
	for _, unwanted := range []string{"Check/Good", "Check/Plain", "Check/Later", "HOME"} {
		if strings.Contains(msg, unwanted) {
			t.Errorf("synth error mentions %q:\n%s", unwanted, msg)
		}
	}
}

// TestHandlerCheckOff: -c lift:check=false synthesizes a handler that would
// refuse to start.
func TestHandlerCheckOff(t *testing.T) {
	_, stack := cdktest.NewStack(t, "CheckOff", cdktest.WithContext(gofunction.CheckContext, "false"))
	gofunction.New(stack, jsii.String("Bad"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "checked"))})
	cdktest.Template(stack).ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(1))
}

// TestHandlerCheckRealRuntime checks real lift.Start handlers: one whose
// signature aws-lambda-go refuses (func(int, int) error) fails the synth with
// the runtime's message and the construct path; a valid one passes.
func TestHandlerCheckRealRuntime(t *testing.T) {
	_, stack := cdktest.NewStack(t, "RealCheck")
	gofunction.New(stack, jsii.String("Ok"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "liftok"))})
	gofunction.New(stack, jsii.String("BadSig"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "liftbadsig"))})
	msg := cdktest.SynthError(t, nil, func() { cdktest.Template(stack) }).Error()
	for _, want := range []string{"RealCheck/BadSig: the handler of entry", "liftbadsig", "func(int, int) error", "-c lift:check=false"} {
		if !strings.Contains(msg, want) {
			t.Errorf("synth error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "RealCheck/Ok") {
		t.Errorf("the valid handler was refused:\n%s", msg)
	}
	t.Logf("synth error:\n%s", msg)
}

// TestHandlerNotCheckedNote: a handler that ends without answering the check
// (as one does whose init needs a value known only at deploy) is reported
// on stderr, naming the variables the check ran without.
func TestHandlerNotCheckedNote(t *testing.T) {
	_, stack := cdktest.NewStack(t, "NotChecked")
	bucket := awss3.NewBucket(stack, jsii.String("Bucket"), nil)
	gofunction.New(stack, jsii.String("Plain"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "hello")),
		Environment: &map[string]*string{"BUCKET": bucket.BucketName()}})
	stderr := captureStderr(t, func() { cdktest.Template(stack) })
	for _, want := range []string{"NotChecked/Plain", "handler not checked", "with stand-ins for [BUCKET], known only at deploy"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestHandlerCheckStandsInForDeployValues: a handler whose init reads values
// known only at deploy (a queue URL, a topic ARN, a table name) is run with
// stand-ins shaped like them, so the check reaches lift.Start and its refusal
// fails the synth, naming the variables it stood in for.
func TestHandlerCheckStandsInForDeployValues(t *testing.T) {
	_, stack := cdktest.NewStack(t, "StandIn")
	queue := awssqs.NewQueue(stack, jsii.String("Queue"), nil)
	topic := awssns.NewTopic(stack, jsii.String("Topic"), nil)
	table := awsdynamodb.NewTableV2(stack, jsii.String("Table"), &awsdynamodb.TablePropsV2{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING}})
	gofunction.New(stack, jsii.String("Deploy"), &gofunction.Props{Entry: jsii.String(testdataDir(t, "liftdeployenv")),
		Environment: &map[string]*string{"QUEUE_URL": queue.QueueUrl(), "TOPIC_ARN": topic.TopicArn(), "TABLE": table.TableName()}})
	msg := cdktest.SynthError(t, nil, func() { cdktest.Template(stack) }).Error()
	for _, want := range []string{"StandIn/Deploy: the handler of entry", "func(int, int) error", "with stand-ins for [QUEUE_URL TABLE TOPIC_ARN]"} {
		if !strings.Contains(msg, want) {
			t.Errorf("synth error lacks %q:\n%s", want, msg)
		}
	}
}

// captureStderr returns what fn writes to os.Stderr.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	out := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); out <- b }()
	defer func() { os.Stderr = saved }()
	fn()
	w.Close()
	return string(<-out)
}
