package main_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// liftBin is the lift binary TestMain builds once; the tests run it as a user would.
var liftBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := localsvc.FindRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The pinned CDK CLI, Node and emulator come first, as for every test here.
	os.Setenv("PATH", filepath.Join(root, "node_modules", ".bin")+string(os.PathListSeparator)+
		filepath.Join(root, ".tools", "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	dir, err := os.MkdirTemp("", "lift-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	liftBin = filepath.Join(dir, "lift")
	if out, err := exec.Command("go", "build", "-o", liftBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build lift: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// ran is one run of the lift binary.
type ran struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// lift runs the binary in dir with extra environment and returns what it printed.
func lift(t *testing.T, dir string, env []string, args ...string) ran {
	t.Helper()
	cmd := exec.Command(liftBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := ran{stdout: out.String(), stderr: errOut.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run lift %s: %v", strings.Join(args, " "), err)
	}
	t.Logf("lift %s (in %s): exit %d in %s\n--- stdout ---\n%s--- stderr ---\n%s", strings.Join(args, " "), dir, r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
	return r
}

// mustLift is lift that fails the test unless the exit code is want.
func mustLift(t *testing.T, dir string, want int, args ...string) ran {
	t.Helper()
	r := lift(t, dir, nil, args...)
	if r.code != want {
		t.Fatalf("lift %s: exit %d, want %d\n%s%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// runIn runs a command in dir and fails the test with its output if it fails.
func runIn(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// requireTools checks what lift local up and a scaffolded app's tests use:
// a skip on a developer's machine without them, a failure in make test and CI.
func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"go", "node", "cdk", "moto_server", "aws-lambda-rie", "cfn-lint", "valkey-server"} {
		testsvc.Tool(t, tool)
	}
}
