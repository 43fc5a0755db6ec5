// Package defaults holds Lift's construct defaults in one place, so every
// construct (and its docs) agrees on them.
package defaults

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// LogLevel is the LIFT_LOG_LEVEL a function gets unless told otherwise.
const LogLevel = "info"

// LogLevels are the accepted LIFT_LOG_LEVEL values (slog's levels).
var LogLevels = []string{"debug", "info", "warn", "error"}

// Architecture is arm64: Graviton is cheaper per GB-second for Go, which
// cross-compiles for it with no extra tooling.
func Architecture() awslambda.Architecture { return awslambda.Architecture_ARM_64() }

// Runtime is the OS-only runtime that runs a Go "bootstrap" binary.
func Runtime() awslambda.Runtime { return awslambda.Runtime_PROVIDED_AL2023() }

// LogRetention keeps function logs one month: long enough to investigate an
// incident, short enough not to pay for logs nobody reads.
const LogRetention = awslogs.RetentionDays_ONE_MONTH

// LogRemovalPolicy retains a function's log group when its stack is deleted,
// as CDK does for log groups: logs are evidence, and the group expires its
// data on its own through the retention above.
const LogRemovalPolicy = awscdk.RemovalPolicy_RETAIN
