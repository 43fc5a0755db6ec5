package gofunction_test

import (
	"debug/elf"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// TestSettings synthesizes one stack with four functions (defaults, every
// common setting on x86_64, in a VPC, with an existing role and log group),
// with cdk-nag AwsSolutions, and checks each behaviour on it: one synth for
// the whole test keeps the jsii cost down.
func TestSettings(t *testing.T) {
	app, stack := cdktest.NewStack(t, "Settings", cdktest.WithNag())
	hello := testdataDir(t, "hello")

	gofunction.New(stack, jsii.String("Plain"), &gofunction.Props{Entry: jsii.String(hello)})
	gofunction.New(stack, jsii.String("Tuned"), &gofunction.Props{
		Entry:                        jsii.String(hello),
		Architecture:                 awslambda.Architecture_X86_64(),
		ServiceName:                  jsii.String("orders"),
		LogLevel:                     jsii.String("debug"),
		ShutdownBudget:               awscdk.Duration_Millis(jsii.Number(300)),
		MetricsNamespace:             jsii.String("Shop"),
		MemorySize:                   jsii.Number(512),
		Timeout:                      awscdk.Duration_Seconds(jsii.Number(20)),
		Tracing:                      awslambda.Tracing_ACTIVE,
		Environment:                  &map[string]*string{"TABLE": jsii.String("orders")},
		ReservedConcurrentExecutions: jsii.Number(7),
		Description:                  jsii.String("orders API"),
		LogRetention:                 awslogs.RetentionDays_ONE_WEEK,
		LogRemovalPolicy:             awscdk.RemovalPolicy_DESTROY,
		FunctionOptions:              &awslambda.FunctionOptions{EphemeralStorageSize: awscdk.Size_Mebibytes(jsii.Number(1024))},
	})
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(1), NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}}})
	gofunction.New(stack, jsii.String("InVpc"), &gofunction.Props{Entry: jsii.String(hello), Vpc: vpc})
	ownRole := awsiam.NewRole(stack, jsii.String("OwnRole"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)})
	ownLogs := awslogs.NewLogGroup(stack, jsii.String("OwnLogs"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_ONE_YEAR})
	gofunction.New(stack, jsii.String("Existing"), &gofunction.Props{Entry: jsii.String(hello), Role: ownRole, LogGroup: ownLogs})

	tmpl := cdktest.Template(stack)
	tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(4))

	t.Run("no DependsOn on the role the Role GetAtt names (cfn-lint W3005)", func(t *testing.T) {
		for id, r := range cdktest.Resources(t, tmpl, "AWS::Lambda::Function") {
			role := r["Properties"].(map[string]any)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			deps, _ := r["DependsOn"].([]any)
			for _, d := range deps {
				if d == role {
					t.Errorf("%s: DependsOn %v names its role %s, which the Role GetAtt already orders", id, deps, role)
				}
			}
			// The role's policy is kept: nothing else orders it before the function.
			if strings.HasPrefix(id, "ExistingFunction") && (len(deps) != 1 || !strings.HasPrefix(deps[0].(string), "OwnRoleDefaultPolicy")) {
				t.Errorf("%s: DependsOn %v, want only OwnRole's default policy", id, deps)
			}
		}
	})
	t.Run("defaults", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Runtime":       "provided.al2023",
			"Handler":       "bootstrap",
			"Architectures": []any{"arm64"},
			"Environment": map[string]any{"Variables": map[string]any{
				"LIFT_SERVICE": "Plain", "LIFT_LOG_LEVEL": "info",
			}},
			"LoggingConfig": map[string]any{"LogGroup": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^PlainLogGroup"))}},
			"MemorySize":    assertions.Match_Absent(),
			"TracingConfig": assertions.Match_Absent(),
		})
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"Properties":     map[string]any{"RetentionInDays": 30},
			"DeletionPolicy": "Retain",
		})
		_, bootstrap := functionAsset(t, app, tmpl, "PlainFunction")
		if m := elfMachine(t, bootstrap); m != elf.EM_AARCH64 {
			t.Fatalf("default build targets %v, want arm64 (EM_AARCH64)", m)
		}
	})

	t.Run("every setting passes through", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Architectures": []any{"x86_64"},
			"Environment": map[string]any{"Variables": map[string]any{
				"LIFT_SERVICE": "orders", "LIFT_LOG_LEVEL": "debug", "LIFT_SHUTDOWN_BUDGET": "300ms",
				"LIFT_METRICS_NAMESPACE": "Shop", "TABLE": "orders",
			}},
			"MemorySize":                   512,
			"Timeout":                      20,
			"TracingConfig":                map[string]any{"Mode": "Active"},
			"ReservedConcurrentExecutions": 7,
			"Description":                  "orders API",
			"EphemeralStorage":             map[string]any{"Size": 1024},
		})
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"Properties":     map[string]any{"RetentionInDays": 7},
			"DeletionPolicy": "Delete",
		})
		_, bootstrap := functionAsset(t, app, tmpl, "TunedFunction")
		if m := elfMachine(t, bootstrap); m != elf.EM_X86_64 {
			t.Fatalf("X86_64 build targets %v, want EM_X86_64", m)
		}
	})

	t.Run("least-privilege role", func(t *testing.T) {
		roles := cdktest.Resources(t, tmpl, "AWS::IAM::Role")
		for id, r := range roles {
			props := r["Properties"].(map[string]any)
			_, managed := props["ManagedPolicyArns"]
			if strings.HasPrefix(id, "PlainServiceRole") && managed {
				t.Errorf("%s has managed policies %v; want only the inline log statement", id, props["ManagedPolicyArns"])
			}
		}
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"Policies": []any{map[string]any{
				"PolicyName": "Logs",
				"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
					"Sid":      "WriteOwnLogs",
					"Effect":   "Allow",
					"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
					"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^PlainLogGroup")), "Arn"}},
				}}},
			}},
		})
		// In a VPC the role also gets AWS's ENI policy.
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"ManagedPolicyArns": assertions.Match_ArrayWith(&[]any{map[string]any{"Fn::Join": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ArrayWith(&[]any{":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}),
			})}}),
		})
		// An existing role gets only the statement for the given log group.
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"Roles": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^OwnRole"))}},
			"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Sid":      "WriteOwnLogs",
				"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
				"Effect":   "Allow",
				"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^OwnLogs")), "Arn"}},
			}}},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Role":          map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^OwnRole")), "Arn"}},
			"LoggingConfig": map[string]any{"LogGroup": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^OwnLogs"))}},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"VpcConfig": assertions.Match_ObjectLike(&map[string]any{"SubnetIds": assertions.Match_AnyValue()}),
		})
	})

	t.Run("cdk-nag IAM4 suppressed for the VPC-access policy only in a VPC", func(t *testing.T) {
		const vpcPolicy = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
		const reason = "A function in a VPC creates and deletes its network interfaces with EC2 actions that take no " +
			"resource ARN; this AWS-managed policy is the documented grant for exactly those."
		want := map[string]any{"cdk_nag": map[string]any{"rules_to_suppress": []any{map[string]any{
			"id": "AwsSolutions-IAM4", "reason": reason, "applies_to": []any{vpcPolicy},
		}}}}
		roles := cdktest.Resources(t, tmpl, "AWS::IAM::Role")
		for _, prefix := range []string{"InVpcServiceRole", "PlainServiceRole", "TunedServiceRole", "OwnRole"} {
			var md any
			found := false
			for id, r := range roles {
				if strings.HasPrefix(id, prefix) {
					md, found = r["Metadata"], true
				}
			}
			switch {
			case !found:
				t.Errorf("no role %s*", prefix)
			case prefix == "InVpcServiceRole" && !reflect.DeepEqual(md, want):
				t.Errorf("%s metadata = %v, want %v", prefix, md, want)
			case prefix != "InVpcServiceRole" && md != nil:
				t.Errorf("%s is not a new role in a VPC; want no metadata, got %v", prefix, md)
			}
		}

		// cdk-nag reads the metadata: its report has the VPC function's IAM4
		// finding suppressed with the reason, and the other roles compliant.
		// (The file is <pack>-<stage id>-<stack>: the app's id is empty.)
		f, err := os.Open(filepath.Join(*app.Outdir(), "AwsSolutions--Settings-NagReport.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		iam4 := map[string][2]string{} // resource: compliance, exception reason
		for _, row := range rows {     // Rule ID, Resource ID, Compliance, Exception Reason, ...
			if row[0] == "AwsSolutions-IAM4" {
				iam4[row[1]] = [2]string{row[2], row[3]}
			}
		}
		compliant := [2]string{"Compliant", "N/A"}
		wantReport := map[string][2]string{
			"Settings/InVpc/ServiceRole/Resource": {"Suppressed", "[" + vpcPolicy + "] " + reason},
			"Settings/Plain/ServiceRole/Resource": compliant,
			"Settings/Tuned/ServiceRole/Resource": compliant,
			"Settings/OwnRole/Resource":           compliant,
		}
		if !reflect.DeepEqual(iam4, wantReport) {
			t.Errorf("nag report AwsSolutions-IAM4 = %q, want %q", iam4, wantReport)
		}
		for _, finding := range cdktest.NagFindings(stack) {
			if strings.Contains(finding.Message, "AwsSolutions-IAM4") {
				t.Errorf("unsuppressed %s", finding)
			}
		}
	})
}

// TestCacheMemoryBytes checks that CacheMemoryBytes reaches the function as
// LIFT_CACHE_MEMORY_BYTES up to half of its memory (Lambda's 128 MB when
// MemorySize is unset, or MemorySize from either place), that a MemorySize
// token leaves only the minimum to check, and that unset writes nothing.
func TestCacheMemoryBytes(t *testing.T) {
	_, stack := cdktest.NewStack(t, "CacheMemory")
	hello := jsii.String(testdataDir(t, "hello"))
	memoryParam := awscdk.NewCfnParameter(stack, jsii.String("Memory"), &awscdk.CfnParameterProps{Type: jsii.String("Number")}).ValueAsNumber()

	gofunction.New(stack, jsii.String("Unset"), &gofunction.Props{Entry: hello})
	gofunction.New(stack, jsii.String("Minimum"), &gofunction.Props{Entry: hello, CacheMemoryBytes: jsii.Number(256)})
	gofunction.New(stack, jsii.String("HalfOfDefault"), &gofunction.Props{Entry: hello, CacheMemoryBytes: jsii.Number(64 << 20)})
	gofunction.New(stack, jsii.String("HalfOfProp"), &gofunction.Props{Entry: hello, MemorySize: jsii.Number(1024),
		CacheMemoryBytes: jsii.Number(512 << 20)})
	gofunction.New(stack, jsii.String("HalfOfOptions"), &gofunction.Props{Entry: hello,
		FunctionOptions: &awslambda.FunctionOptions{MemorySize: jsii.Number(300)}, CacheMemoryBytes: jsii.Number(150 << 20)})
	gofunction.New(stack, jsii.String("MemoryToken"), &gofunction.Props{Entry: hello, MemorySize: memoryParam,
		CacheMemoryBytes: jsii.Number(1 << 30)})

	want := map[string]any{ // logical id prefix: LIFT_CACHE_MEMORY_BYTES, nil for absent
		"UnsetFunction":         nil,
		"MinimumFunction":       "256",
		"HalfOfDefaultFunction": "67108864",
		"HalfOfPropFunction":    "536870912",
		"HalfOfOptionsFunction": "157286400",
		"MemoryTokenFunction":   "1073741824",
	}
	got := map[string]any{}
	for id, r := range cdktest.Resources(t, cdktest.Template(stack), "AWS::Lambda::Function") {
		vars := r["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
		for prefix := range want {
			if strings.HasPrefix(id, prefix) {
				got[prefix] = vars["LIFT_CACHE_MEMORY_BYTES"]
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LIFT_CACHE_MEMORY_BYTES by function = %v, want %v", got, want)
	}
}
