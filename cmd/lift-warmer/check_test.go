package main_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

// TestAnswersTheSynthCheck: gofunction runs every built handler once with
// LIFT_CHECK=1 at synth; the warmer answers ok at once, without loading AWS
// configuration, so an app's synth reports no "handler not checked" for it.
func TestAnswersTheSynthCheck(t *testing.T) {
	bin := testsvc.BuildHandler(t, "./cmd/lift-warmer")
	cmd := exec.Command(bin)
	cmd.Env = []string{contract.EnvCheck + "=1"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("LIFT_CHECK=1: %v\n%s", err, out)
	}
	var answer struct {
		Lift string `json:"lift"`
		OK   bool   `json:"ok"`
	}
	line := strings.TrimSpace(string(out))
	if json.Unmarshal([]byte(line), &answer) != nil || answer.Lift != "check" || !answer.OK {
		t.Fatalf("answer = %q, want one JSON line with lift=check and ok=true", line)
	}
}
