package gofunction_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/testsvc"
)

// TestCompileErrorUnderCDKSynth runs the real `cdk synth` on an app whose
// handler (testdata/broken) does not compile: stderr starts with the
// compiler's message, names the entry path, and carries no Node EPIPE stack
// trace (a panic inside a jsii callback used to leave the CDK kernel waiting,
// and it died with EPIPE when the app exited).
func TestCompileErrorUnderCDKSynth(t *testing.T) {
	cdk := testsvc.Tool(t, "cdk")
	node := testsvc.Tool(t, "node")
	app := filepath.Join(t.TempDir(), "brokenapp")
	if out, err := exec.Command("go", "build", "-o", app, "./testdata/brokenapp").CombinedOutput(); err != nil {
		t.Fatalf("build the CDK app: %v\n%s", err, out)
	}
	cmd := exec.Command(cdk, "synth", "--app", app, "-o", t.TempDir())
	cmd.Dir = testdataDir(t, "brokenapp")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(node)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("cdk synth of a handler that does not compile succeeded:\n%s", stdout.String())
	}
	got := stderr.String()
	const first = "# github.com/liftcdk/lift/constructs/gofunction/testdata/broken\n"
	if !strings.HasPrefix(got, first) {
		t.Errorf("stderr does not start with the compiler's message %q:\n%s", first, got)
	}
	for _, want := range []string{"undefined: undefinedFunction", testdataDir(t, "broken"), "linux/arm64"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "EPIPE") {
		t.Errorf("stderr has a Node EPIPE error:\n%s", got)
	}
}
