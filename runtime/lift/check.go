package lift

import (
	"encoding/json"
	"errors"
	"io"
	"os"

	"github.com/liftcdk/lift/internal/contract"
)

// checkResult is the one line a check prints on stderr.
type checkResult struct {
	Lift  string `json:"lift"` // "check"
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// exitIfChecking is the LIFT_CHECK decision every entry point (Start, and
// any other that serves a handler) makes after validating its handler,
// options and environment, and before serving: with LIFT_CHECK=1 it prints
// {"lift":"check","ok":true} (or "ok":false with the errors) on stderr and
// exits 0 (or 1). Otherwise it returns and the entry point goes on.
func exitIfChecking(initErrs ...error) {
	if os.Getenv(contract.EnvCheck) != "1" {
		return
	}
	os.Exit(reportCheck(os.Stderr, errors.Join(initErrs...)))
}

// reportCheck writes the check's line and returns the exit status.
func reportCheck(w io.Writer, err error) int {
	r := checkResult{Lift: "check", OK: err == nil}
	if err != nil {
		r.Error = err.Error()
	}
	b, _ := json.Marshal(r) // strings and a bool always marshal
	_, _ = w.Write(append(b, '\n'))
	if err != nil {
		return 1
	}
	return 0
}
