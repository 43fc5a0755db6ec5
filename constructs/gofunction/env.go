package gofunction

import (
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

const (
	envPrefix           = "LIFT_"
	envShutdownBudget   = contract.EnvShutdownBudget
	envMetricsNamespace = contract.EnvMetricsNamespace
)

// liftEnvironment is the contract environment every Lift function gets.
func liftEnvironment(service, logLevel string) map[string]*string {
	return map[string]*string{
		contract.EnvService:  jsii.String(service),
		contract.EnvLogLevel: jsii.String(logLevel),
	}
}

// liftEnvFix tells a user who set a LIFT_* variable by hand where it belongs.
func liftEnvFix(name string) string {
	switch name {
	case contract.EnvService:
		return "use Props.ServiceName"
	case contract.EnvLogLevel:
		return "use Props.LogLevel"
	case contract.EnvShutdownBudget:
		return "use Props.ShutdownBudget"
	case contract.EnvMetricsNamespace:
		return "use Props.MetricsNamespace"
	case contract.EnvCacheMemoryBytes:
		return "use Props.CacheMemoryBytes"
	case contract.EnvLocalAddr:
		return "it is for local runs only; set it in your shell, not in the function"
	default:
		return "it is set by the Lift construct that owns it (cache tier, discovery, pre-warming); remove it from Environment"
	}
}

// deref reads an optional string prop ("" when nil).
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
