package warmer

import "github.com/liftcdk/lift/internal/contract"

// Input is what one warmer run is given: the payload the warmer's schedule
// delivers to the warmer function (cmd/lift-warmer).
type Input = contract.WarmerInput

// Target is one function the warmer keeps warm. Its Token, when set, is sent
// in each warm-up event so the function can authenticate it.
type Target = contract.WarmerTarget

// Report is what one warmer run returns and logs.
type Report = contract.WarmerReport

// TargetReport counts one target's outcome in a Report.
type TargetReport = contract.WarmerTargetReport
