package health

import "github.com/liftcdk/lift/internal/contract"

// Response is a health report in the shape of the IETF "Health Check
// Response Format for HTTP APIs" draft (application/health+json): what Run
// returns, and what a {"lift":"health"} event is answered with (there without
// any check's Output).
type Response = contract.HealthResponse

// CheckResult is one check's outcome in a Response. ObservedValue is its
// duration in ObservedUnit ("ms"); Output is the error text of a check that
// did not pass.
type CheckResult = contract.CheckResult

// Statuses of a Response and of each CheckResult, worst last.
const (
	StatusPass = contract.StatusPass
	StatusWarn = contract.StatusWarn
	StatusFail = contract.StatusFail
)
