package discovery

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrNoInstances means Cloud Map lists no usable instance for the service.
	ErrNoInstances = errors.New("discovery: no instances")
	// ErrStale means Cloud Map has been unreachable for longer than the max-stale
	// bound, so the cached instances are no longer served.
	ErrStale = errors.New("discovery: cached instances are older than the max-stale bound")
	// ErrUnavailable means the instances could not be fetched from Cloud Map and
	// nothing is cached yet.
	ErrUnavailable = errors.New("discovery: cloud map unavailable")
	// ErrCircuitOpen means every instance of the service has an open circuit breaker.
	ErrCircuitOpen = errors.New("discovery: circuit open for every instance")
	// ErrFunctionError means a Lambda target answered with a FunctionError.
	ErrFunctionError = errors.New("discovery: function error")
	// ErrHTTPStatus means an HTTP target answered with a non-2xx status.
	ErrHTTPStatus = errors.New("discovery: http status")
	// ErrInvalidInstance means an instance's attributes cannot be used.
	ErrInvalidInstance = errors.New("discovery: invalid instance")
	// ErrUnknownService means the service is not one this function is
	// connected to (LIFT_DISCOVERY_TARGETS, WithTargets): its IAM policy does
	// not allow discovering it, so the client refuses before calling Cloud Map.
	ErrUnknownService = errors.New("discovery: service not connected to this function")
	// ErrInvalidConfig means the configuration (options or environment) is invalid.
	ErrInvalidConfig = errors.New("discovery: invalid configuration")
)
