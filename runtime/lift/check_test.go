package lift

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/testsvc"
)

// TestCheckMode runs built handler binaries with LIFT_CHECK=1: each must
// print one JSON line on stderr and exit 0 or 1 without serving (one run sets
// AWS_LAMBDA_RUNTIME_API to an address nothing listens on, which a serving
// runtime would fail to reach).
func TestCheckMode(t *testing.T) {
	good := testsvc.BuildHandler(t, "./runtime/lift/testdata/rieapp")
	bad := testsvc.BuildHandler(t, "./runtime/lift/testdata/badsig")
	tests := []struct {
		name     string
		bin      string
		env      []string
		wantCode int
		wantErr  []string
	}{
		{"valid, Lambda", good, []string{"AWS_LAMBDA_RUNTIME_API=127.0.0.1:1"}, 0, nil},
		{"valid, local", good, []string{"LIFT_LOCAL_ADDR=127.0.0.1:1"}, 0, nil},
		{"bad signature", bad, nil, 1, []string{"handler of type func(string, int) error", "first is not context.Context"}},
		{"bad environment", good, []string{"LIFT_CONTROL_AUTH=strict", "LIFT_SHUTDOWN_BUDGET=2s", "LIFT_LOCAL_ADDR=nowhere"},
			1, []string{"LIFT_CONTROL_AUTH", "LIFT_SHUTDOWN_BUDGET", "LIFT_LOCAL_ADDR"}},
		{"check off", bad, []string{"LIFT_CHECK=0"}, 1, nil}, // init fails the usual way
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, tt.bin)
			cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LIFT_CHECK=1"}, tt.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Fatalf("exit status %d, want %d\nstderr: %s\nstdout: %s", code, tt.wantCode, stderr.String(), stdout.String())
			}
			if tt.name == "check off" {
				if strings.Contains(stderr.String(), `"lift":"check"`) {
					t.Fatalf("LIFT_CHECK=0 must not check: %s", stderr.String())
				}
				return
			}
			if stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 {
				t.Fatalf("want one line on stderr and nothing on stdout; stderr %q stdout %q", stderr.String(), stdout.String())
			}
			var r struct {
				Lift  string  `json:"lift"`
				OK    *bool   `json:"ok"`
				Error *string `json:"error"`
			}
			if err := json.Unmarshal(stderr.Bytes(), &r); err != nil || r.Lift != "check" || r.OK == nil || *r.OK != (tt.wantCode == 0) {
				t.Fatalf("not a check line: %s (%v)", stderr.String(), err)
			}
			if tt.wantCode == 0 {
				if stderr.String() != `{"lift":"check","ok":true}`+"\n" {
					t.Fatalf("got %q", stderr.String())
				}
				return
			}
			for _, w := range tt.wantErr {
				if r.Error == nil || !strings.Contains(*r.Error, w) {
					t.Fatalf("the error must mention %q: %s", w, stderr.String())
				}
			}
		})
	}
}
