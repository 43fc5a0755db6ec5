package gofunction_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// TestBadProps checks that each bad prop fails the synth with a message that
// names the prop, the value and the fix. No synth runs: props are validated
// before any resource is defined.
func TestBadProps(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Bad")
	hello := testdataDir(t, "hello")
	outside := t.TempDir() // /tmp has no go.mod above it
	must(t, writeFile(outside+"/main.go", "package main\n\nfunc main() {}\n"))
	memoryParam := awscdk.NewCfnParameter(stack, jsii.String("Memory"), &awscdk.CfnParameterProps{Type: jsii.String("Number")}).ValueAsNumber()

	tests := []struct {
		name  string
		id    string
		props *gofunction.Props
		want  []string // prop, value, fix
	}{
		{"missing entry", "A", &gofunction.Props{}, []string{"Entry", "required", "directory of your handler's main package"}},
		{"nil props", "A", nil, []string{"Entry", "required"}},
		{"entry does not exist", "A", &gofunction.Props{Entry: jsii.String("testdata/nope")},
			[]string{"Entry", `"testdata/nope"`, "does not exist", "relative to where `cdk synth` runs"}},
		{"entry is a file", "A", &gofunction.Props{Entry: jsii.String("testdata/hello/main.go")},
			[]string{"Entry", `"testdata/hello/main.go"`, "give the directory", `"testdata/hello"`}},
		{"entry not main", "A", &gofunction.Props{Entry: jsii.String("testdata/notmain")},
			[]string{"Entry", `"testdata/notmain"`, `package "notmain"`, "package main"}},
		{"entry without Go files", "A", &gofunction.Props{Entry: jsii.String("testdata/empty")},
			[]string{"Entry", `"testdata/empty"`, "no Go files", "package main"}},
		{"entry outside a module", "A", &gofunction.Props{Entry: jsii.String(outside)},
			[]string{"Entry", outside, "no go.mod", "go mod init"}},
		{"LIFT_ env override", "A", &gofunction.Props{Entry: jsii.String(hello),
			Environment: &map[string]*string{"LIFT_SERVICE": jsii.String("x")}},
			[]string{`Environment["LIFT_SERVICE"]`, "Props.ServiceName"}},
		{"LIFT_ env owned by another construct", "A", &gofunction.Props{Entry: jsii.String(hello),
			Environment: &map[string]*string{"LIFT_CACHE_TABLE": jsii.String("t")}},
			[]string{`Environment["LIFT_CACHE_TABLE"]`, "remove it from Environment"}},
		{"bad architecture", "A", &gofunction.Props{Entry: jsii.String(hello),
			Architecture: awslambda.Architecture_Custom(jsii.String("riscv64"), nil)},
			[]string{"Architecture", `"riscv64"`, "Architecture_ARM_64", "Architecture_X86_64"}},
		{"bad service name", "A", &gofunction.Props{Entry: jsii.String(hello), ServiceName: jsii.String("my service")},
			[]string{"ServiceName", `"my service"`, "letters, digits"}},
		{"construct id not a service name", "My Fn", &gofunction.Props{Entry: jsii.String(hello)},
			[]string{"ServiceName", `"My Fn"`, "set ServiceName"}},
		{"bad log level", "A", &gofunction.Props{Entry: jsii.String(hello), LogLevel: jsii.String("verbose")},
			[]string{"LogLevel", `"verbose"`, "debug, info, warn, error"}},
		{"shutdown budget too long", "A", &gofunction.Props{Entry: jsii.String(hello), ShutdownBudget: awscdk.Duration_Seconds(jsii.Number(2))},
			[]string{"ShutdownBudget", "2s", "450ms"}},
		{"setting in two places", "A", &gofunction.Props{Entry: jsii.String(hello), MemorySize: jsii.Number(256),
			FunctionOptions: &awslambda.FunctionOptions{MemorySize: jsii.Number(512)}},
			[]string{"FunctionOptions.MemorySize", "Props.MemorySize is set too", "set it in Props.MemorySize only"}},
		{"LIFT_CACHE_MEMORY_BYTES in Environment", "A", &gofunction.Props{Entry: jsii.String(hello),
			Environment: &map[string]*string{"LIFT_CACHE_MEMORY_BYTES": jsii.String("1048576")}},
			[]string{`Environment["LIFT_CACHE_MEMORY_BYTES"]`, "Props.CacheMemoryBytes"}},
		{"cache memory below the runtime's minimum", "A", &gofunction.Props{Entry: jsii.String(hello), CacheMemoryBytes: jsii.Number(255)},
			[]string{"CacheMemoryBytes is 255", "whole number of bytes, at least 256"}},
		{"cache memory not whole", "A", &gofunction.Props{Entry: jsii.String(hello), CacheMemoryBytes: jsii.Number(1000.5)},
			[]string{"CacheMemoryBytes is 1000.5", "whole number of bytes"}},
		{"cache memory over half of Lambda's default memory", "A", &gofunction.Props{Entry: jsii.String(hello), CacheMemoryBytes: jsii.Number(64<<20 + 1)},
			[]string{"CacheMemoryBytes is 67108865", "half of the function's 128 MB", "67108864 bytes", "raise MemorySize to at least 129 MB"}},
		{"cache memory over half of MemorySize", "A", &gofunction.Props{Entry: jsii.String(hello), MemorySize: jsii.Number(256),
			CacheMemoryBytes: jsii.Number(200 << 20)},
			[]string{"CacheMemoryBytes is 209715200", "half of the function's 256 MB", "raise MemorySize to at least 400 MB"}},
		{"cache memory over half of FunctionOptions.MemorySize", "A", &gofunction.Props{Entry: jsii.String(hello),
			FunctionOptions: &awslambda.FunctionOptions{MemorySize: jsii.Number(512)}, CacheMemoryBytes: jsii.Number(512 << 20)},
			[]string{"CacheMemoryBytes is 536870912", "half of the function's 512 MB", "raise MemorySize to at least 1024 MB"}},
		{"cache memory token", "A", &gofunction.Props{Entry: jsii.String(hello), CacheMemoryBytes: memoryParam},
			[]string{"CacheMemoryBytes is <token>", "literal whole number"}},
		{"deprecated log retention", "A", &gofunction.Props{Entry: jsii.String(hello),
			//lint:ignore SA1019 the deprecated prop is what this case must reject
			FunctionOptions: &awslambda.FunctionOptions{LogRetention: awslogs.RetentionDays_ONE_DAY}},
			[]string{"FunctionOptions.LogRetention", "Props.LogRetention"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := cdktest.SynthError(t, gofunction.ErrInvalidProps, func() { gofunction.New(stack, jsii.String(tt.id), tt.props) }).Error()
			for _, want := range append([]string{"invalid gofunction.Props"}, tt.want...) {
				if !strings.Contains(msg, want) {
					t.Errorf("error lacks %q:\n%s", want, msg)
				}
			}
		})
	}

	t.Run("every problem at once, errors.Is", func(t *testing.T) {
		var got error
		func() {
			defer func() { got, _ = recover().(error) }()
			gofunction.New(stack, jsii.String("B"), &gofunction.Props{LogLevel: jsii.String("loud")})
		}()
		if !errors.Is(got, gofunction.ErrInvalidProps) {
			t.Fatalf("panic value %v does not wrap ErrInvalidProps", got)
		}
		if msg := got.Error(); !strings.Contains(msg, "Entry") || !strings.Contains(msg, "LogLevel") {
			t.Fatalf("want both problems reported:\n%s", msg)
		}
	})
}

// TestLambdaLimits checks that what Lambda would refuse at deploy fails the
// synth with the construct path, the prop, the value and the fix.
func TestLambdaLimits(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Limits")
	hello := testdataDir(t, "hello")
	tests := []struct {
		name                   string
		props                  gofunction.Props
		prop, value, fixSubstr string
	}{
		{"memory too small", gofunction.Props{MemorySize: jsii.Number(64)}, "MemorySize", "64", "128 to 10240"},
		{"memory too large", gofunction.Props{MemorySize: jsii.Number(20000)}, "MemorySize", "20000", "128 to 10240"},
		{"memory through FunctionOptions", gofunction.Props{FunctionOptions: &awslambda.FunctionOptions{MemorySize: jsii.Number(20000)}}, "MemorySize", "20000", "128 to 10240"},
		{"timeout too long", gofunction.Props{Timeout: awscdk.Duration_Minutes(jsii.Number(20))}, "Timeout", "20 minutes", "1 second to 15 minutes"},
		{"timeout too short", gofunction.Props{Timeout: awscdk.Duration_Millis(jsii.Number(500))}, "Timeout", "500 millis", "1 second to 15 minutes"},
		{"env name Lambda refuses", gofunction.Props{Environment: &map[string]*string{"MY-VAR": jsii.String("x")}}, "Environment", `"MY-VAR"`, `"MY_VAR"`},
		{"env name starting with a digit", gofunction.Props{Environment: &map[string]*string{"1X": jsii.String("x")}}, "Environment", `"1X"`, "[a-zA-Z][a-zA-Z0-9_]+"},
		{"shutdown budget over the contract's limit", gofunction.Props{ShutdownBudget: awscdk.Duration_Millis(jsii.Number(480))}, "ShutdownBudget", "480ms", "1ms to 450ms"},
		{"service name with a dot", gofunction.Props{ServiceName: jsii.String("orders.v2")}, "ServiceName", `"orders.v2"`, "1-63 letters"},
		{"service name ending in '-'", gofunction.Props{ServiceName: jsii.String("orders-")}, "ServiceName", `"orders-"`, "not starting or ending with '-'"},
		{"unknown control auth", gofunction.Props{ControlAuth: jsii.String("strict")}, "ControlAuth", `"strict"`, "ControlAuthRequired"},
		{"both places name the one to use", gofunction.Props{Timeout: awscdk.Duration_Seconds(jsii.Number(3)),
			FunctionOptions: &awslambda.FunctionOptions{Timeout: awscdk.Duration_Seconds(jsii.Number(4))}}, "FunctionOptions.Timeout", "Props.Timeout is set too", "set it in Props.Timeout only"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.props.Entry = jsii.String(hello)
			id := fmt.Sprintf("F%d", i)
			problems := cdktest.SynthProblems(t, gofunction.ErrInvalidProps, func() { gofunction.New(stack, jsii.String(id), &tt.props) })
			if !cdktest.HasProblem(problems, "Limits/"+id, tt.prop, tt.value, tt.fixSubstr) {
				t.Errorf("want problem at Limits/%s %s=%s fix %q, got %+v", id, tt.prop, tt.value, tt.fixSubstr, problems)
			}
		})
	}
	t.Run("every problem of the call in one error", func(t *testing.T) {
		problems := cdktest.SynthProblems(t, gofunction.ErrInvalidProps, func() {
			gofunction.New(stack, jsii.String("Many"), &gofunction.Props{Entry: jsii.String(hello), MemorySize: jsii.Number(64),
				Timeout: awscdk.Duration_Minutes(jsii.Number(20)), Environment: &map[string]*string{"MY-VAR": jsii.String("x")}})
		})
		if len(problems) != 3 {
			t.Fatalf("want 3 problems, got %+v", problems)
		}
	})
	t.Run("valid limits and control auth pass", func(t *testing.T) {
		fn := gofunction.New(stack, jsii.String("Ok"), &gofunction.Props{Entry: jsii.String(hello), MemorySize: jsii.Number(10240),
			Timeout: awscdk.Duration_Minutes(jsii.Number(15)), ControlAuth: jsii.String(gofunction.ControlAuthRequired),
			Environment: &map[string]*string{"MY_VAR": jsii.String("x")}})
		if fn == nil {
			t.Fatal("no function")
		}
	})
}

// TestControlAuth: ControlAuth writes LIFT_CONTROL_AUTH, and requiring it
// without a control-token secret warns that the token is derivable.
func TestControlAuth(t *testing.T) {
	hello := testdataDir(t, "hello")
	for _, secret := range []bool{false, true} {
		var opts []cdktest.Option
		if secret {
			opts = append(opts, cdktest.WithContext("lift:controlSecret", "s3cret"))
		}
		_, stack := cdktest.NewStack(t, "Auth", append(opts, cdktest.WithContext("aws:cdk:bundling-stacks", []string{}))...)
		gofunction.New(stack, jsii.String("Strict"), &gofunction.Props{Entry: jsii.String(hello), ControlAuth: jsii.String(gofunction.ControlAuthRequired)})
		cdktest.Template(stack).HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{"LIFT_CONTROL_AUTH": "required"})},
		})
		warnings := assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("no control-token secret")))
		if got := len(*warnings); (got == 1) == secret {
			t.Errorf("secret set %v: %d no-secret warnings", secret, got)
		}
	}
}
