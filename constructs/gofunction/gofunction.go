// Package gofunction provides a Lambda function built from a Go main package
// with the local Go toolchain: no Docker, provided.al2023, arm64 by default,
// reproducible binaries, Lift's contract environment and a log group with
// retention.
package gofunction

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/bundling"
	"github.com/liftcdk/lift/constructs/internal/defaults"
	"github.com/liftcdk/lift/constructs/internal/nag"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// New defines a Go Lambda function under scope/id. The construct tree is
//
//	id/Function     the awslambda.Function (returned)
//	id/LogGroup     its log group (unless Props.LogGroup is given)
//	id/ServiceRole  its execution role (unless a Role is given)
//
// Bad props fail the synth: New checks every prop before it defines anything
// and panics once with an error wrapping ErrInvalidProps that lists each bad
// prop with the construct path, its value and the fix. A panic is how every
// aws-cdk-go construct reports a synth-time error (jsii turns CDK's exceptions
// into panics), so apps and `cdk synth` handle it the same way.
//
// The handler's `go build` starts in the background here (at most
// $LIFT_BUILD_JOBS, default GOMAXPROCS, at once; functions sharing an entry and
// architecture share one build), so an app's handlers build in parallel while
// the rest of the app is defined. Its code asset is staged when the app is
// synthesized; a compile error fails the synth there with the compiler's
// output and the entry path. Stacks that are not bundled (`cdk ls`,
// `cdk synth --exclusively` of another stack) start no build.
func New(scope constructs.Construct, id *string, props *Props) awslambda.Function {
	problems := propcheck.For(ErrInvalidProps, scope, id)
	props = withContextArchitecture(problems, scope, props)
	check := checkFromContext(problems, scope)
	r := resolve(problems, deref(id), props)
	problems.Check()
	root := constructs.NewConstruct(scope, id)

	logGroup := props.LogGroup
	if logGroup == nil {
		retention, removal := props.LogRetention, props.LogRemovalPolicy
		if retention == "" {
			retention = defaults.LogRetention
		}
		if removal == "" {
			removal = defaults.LogRemovalPolicy
		}
		logGroup = awslogs.NewLogGroup(root, jsii.String("LogGroup"), &awslogs.LogGroupProps{
			Retention:     retention,
			RemovalPolicy: removal,
		})
	}

	o := r.options
	writeLogs := awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteOwnLogs"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logGroup.LogGroupArn()),
	})
	if o.Role == nil {
		o.Role = newServiceRole(root, writeLogs, o.Vpc != nil)
	} else {
		o.Role.AddToPrincipalPolicy(writeLogs)
	}

	handler, err := bundling.Schedule(root, &bundling.LocalBundler{Entry: r.entry, GOARCH: r.goarch, Label: *root.Node().Path(), Check: check})
	if err != nil {
		panic(err)
	}
	fn := awslambda.NewFunction(root, jsii.String("Function"), &awslambda.FunctionProps{
		// Lift's settings
		Runtime:      defaults.Runtime(),
		Handler:      jsii.String(contract.BootstrapName),
		Architecture: r.arch,
		Code:         handler.Code(),
		Environment:  &r.env,
		LogGroup:     logGroup,
		Role:         o.Role,
		// everything else passes through
		AdotInstrumentation:  o.AdotInstrumentation,
		AllowAllIpv6Outbound: o.AllowAllIpv6Outbound,
		AllowAllOutbound:     o.AllowAllOutbound,
		AllowPublicSubnet:    o.AllowPublicSubnet,
		//lint:ignore SA1019 passed through as given: a caller may still set the deprecated form
		ApplicationLogLevel:     o.ApplicationLogLevel,
		ApplicationLogLevelV2:   o.ApplicationLogLevelV2,
		CodeSigningConfig:       o.CodeSigningConfig,
		CurrentVersionOptions:   o.CurrentVersionOptions,
		DeadLetterQueue:         o.DeadLetterQueue,
		DeadLetterQueueEnabled:  o.DeadLetterQueueEnabled,
		DeadLetterTopic:         o.DeadLetterTopic,
		Description:             o.Description,
		DurableConfig:           o.DurableConfig,
		EnvironmentEncryption:   o.EnvironmentEncryption,
		EphemeralStorageSize:    o.EphemeralStorageSize,
		Events:                  o.Events,
		Filesystem:              o.Filesystem,
		FunctionName:            o.FunctionName,
		InitialPolicy:           o.InitialPolicy,
		InsightsVersion:         o.InsightsVersion,
		Ipv6AllowedForDualStack: o.Ipv6AllowedForDualStack,
		Layers:                  o.Layers,
		//lint:ignore SA1019 passed through as given: a caller may still set the deprecated form
		LogFormat:                    o.LogFormat,
		LoggingFormat:                o.LoggingFormat,
		MaxEventAge:                  o.MaxEventAge,
		MemorySize:                   o.MemorySize,
		OnFailure:                    o.OnFailure,
		OnSuccess:                    o.OnSuccess,
		ParamsAndSecrets:             o.ParamsAndSecrets,
		Profiling:                    o.Profiling,
		ProfilingGroup:               o.ProfilingGroup,
		RecursiveLoop:                o.RecursiveLoop,
		ReservedConcurrentExecutions: o.ReservedConcurrentExecutions,
		RetryAttempts:                o.RetryAttempts,
		RuntimeManagementMode:        o.RuntimeManagementMode,
		SecurityGroups:               o.SecurityGroups,
		SnapStart:                    o.SnapStart,
		//lint:ignore SA1019 passed through as given: a caller may still set the deprecated form
		SystemLogLevel:   o.SystemLogLevel,
		SystemLogLevelV2: o.SystemLogLevelV2,
		TenancyConfig:    o.TenancyConfig,
		Timeout:          o.Timeout,
		Tracing:          o.Tracing,
		Vpc:              o.Vpc,
		VpcSubnets:       o.VpcSubnets,
	})
	handler.Attach(fn)
	dropRedundantRoleDependency(fn, o.Role)
	warnPublicControlKey(root, props.ControlAuth)
	return fn
}

// newServiceRole is the function's execution role with only what a function
// needs: writing its own log group (an inline, resource-scoped statement rather
// than the AWSLambdaBasicExecutionRole managed policy, which allows writing to
// every log group in the account and trips cdk-nag AwsSolutions-IAM4). In a
// VPC, Lambda also needs to manage network interfaces, whose actions take no
// resource ARN; AWS's managed policy for that is the documented way, and the
// role carries the cdk-nag suppression for exactly that policy.
func newServiceRole(scope constructs.Construct, writeLogs awsiam.PolicyStatement, inVpc bool) awsiam.IRole {
	var managed []awsiam.IManagedPolicy
	if inVpc {
		managed = append(managed, awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(vpcAccessPolicy)))
	}
	role := awsiam.NewRole(scope, jsii.String("ServiceRole"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description:     jsii.String("Execution role of " + *scope.Node().Path() + " (Lift): writes its own log group only"),
		ManagedPolicies: &managed,
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"Logs": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &[]awsiam.PolicyStatement{writeLogs}}),
		},
	})
	if inVpc {
		nag.Suppress(role, vpcAccessSuppression)
	}
	return role
}

const vpcAccessPolicy = "service-role/AWSLambdaVPCAccessExecutionRole"

// vpcAccessSuppression accepts cdk-nag AwsSolutions-IAM4 for
// AWSLambdaVPCAccessExecutionRole only: any other AWS-managed policy added to
// the role is still reported.
var vpcAccessSuppression = nag.Rule{
	ID: "AwsSolutions-IAM4",
	Reason: "A function in a VPC creates and deletes its network interfaces with EC2 actions that take no resource ARN; " +
		"this AWS-managed policy is the documented grant for exactly those.",
	AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/" + vpcAccessPolicy},
}
