package bundling

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// ErrCheck is wrapped by the error of a handler that refused its own check.
var ErrCheck = errors.New("handler check failed")

// checkTimeout bounds one handler check: a Lift handler answers at once.
const checkTimeout = 10 * time.Second

// RunsOnHost reports whether a linux/goarch binary runs on this machine, so
// the Lambda binary itself can be checked without building one for the host.
func RunsOnHost(goarch string) bool { return runtime.GOOS == "linux" && runtime.GOARCH == goarch }

// checkAnswer is the line a Lift handler prints on stderr under LIFT_CHECK=1.
type checkAnswer struct {
	Lift  string `json:"lift"` // "check"
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

// CheckResult is what a handler said about itself.
type CheckResult struct {
	// Answered is false when the binary gave no LIFT_CHECK answer: it does not
	// start through Lift (a plain aws-lambda-go main), or was built with a
	// Lift runtime older than the check. Note says what it did instead.
	Answered bool
	Note     string
}

// Check runs the built handler bin with contract.EnvCheck=1 and env (the
// function's environment, nothing from this process), as Lambda would start
// it but without serving. A handler that answers "ok":false is an error
// wrapping ErrCheck carrying the handler's message; one that gives no answer
// is not an error (see CheckResult.Note).
func Check(ctx context.Context, bin string, env map[string]string) (CheckResult, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = []string{contract.EnvCheck + "=1"}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()

	var answer checkAnswer
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if json.Unmarshal([]byte(lines[i]), &answer) == nil && answer.Lift == "check" {
			if !answer.OK {
				return CheckResult{Answered: true}, fmt.Errorf("%w: %s", ErrCheck, answer.Error)
			}
			return CheckResult{Answered: true}, nil
		}
	}
	switch {
	case ctx.Err() != nil:
		return CheckResult{Note: fmt.Sprintf("it gave no %s answer within %s and was stopped", contract.EnvCheck, checkTimeout)}, nil
	case runErr != nil:
		return CheckResult{Note: fmt.Sprintf("it exited (%v) without a %s answer; last output: %s", runErr, contract.EnvCheck, lastLine(lines))}, nil
	}
	return CheckResult{Note: fmt.Sprintf("it exited 0 without a %s answer", contract.EnvCheck)}, nil
}

func lastLine(lines []string) string {
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return "(none)"
}
