package main_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestVersionAndUsage(t *testing.T) {
	dir := t.TempDir()
	r := mustLift(t, dir, 0, "version", "--json")
	var v struct{ Version, Go string }
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Version == "" || !strings.HasPrefix(v.Go, "go1.") {
		t.Fatalf("version --json printed %q (%v)", r.stdout, err)
	}
	for _, args := range [][]string{{"nope"}, {"version", "extra"}, {"invoke"}, {"new", "bad name!"}, {"bench", "x", "--concurrency", "0"}, {"local", "up", "--bogus"}} {
		if r := lift(t, dir, nil, args...); r.code != 2 || !strings.Contains(r.stderr, "lift:") {
			t.Errorf("lift %v: exit %d, stderr %q; want a usage error (exit 2)", args, r.code, r.stderr)
		}
	}
	// Not an app folder and no local cloud: the command cannot run (3), and says why.
	if r := lift(t, dir, nil, "invoke", "shop"); r.code != 3 || !strings.Contains(r.stderr, "lift local up") {
		t.Errorf("invoke without a local cloud: exit %d, stderr %q; want 3 naming lift local up", r.code, r.stderr)
	}
	if r := lift(t, dir, nil, "local", "up"); r.code != 3 || !strings.Contains(r.stderr, "no cdk.json") {
		t.Errorf("local up outside an app: exit %d, stderr %q; want 3 naming cdk.json", r.code, r.stderr)
	}
}

// TestHelpHasExamples: every command a user runs documents an example.
func TestHelpHasExamples(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range [][]string{{}, {"version"}, {"doctor"}, {"new"}, {"local"}, {"local", "up"}, {"local", "down"}, {"invoke"}, {"health"}, {"logs"}, {"bench"}} {
		r := mustLift(t, dir, 0, append(cmd, "--help")...)
		if !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "  lift ") {
			t.Errorf("lift %v --help has no example:\n%s", cmd, r.stdout)
		}
	}
	r := mustLift(t, dir, 0, "completion", "bash")
	if !strings.Contains(r.stdout, "__start_lift") {
		t.Errorf("completion bash printed no completion script")
	}
}

func TestDoctor(t *testing.T) {
	requireTools(t) // it checks that doctor finds every one
	dir := t.TempDir()
	r := mustLift(t, dir, 0, "doctor", "--json")
	var tools []struct {
		Name, Version, Install string
		Found, Required        bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &tools); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"go": true, "node": true, "cdk": true, "moto_server": true, "aws-lambda-rie": true, "cfn-lint": true, "valkey-server": true}
	for _, tl := range tools {
		delete(want, tl.Name)
		if !tl.Found || tl.Version == "" || tl.Install == "" {
			t.Errorf("doctor: %+v; want found with a version and an install command (this machine has every tool)", tl)
		}
	}
	if len(want) > 0 {
		t.Errorf("doctor did not report %v", want)
	}
	// With nothing on PATH but go's own folder gone too, required tools are missing: exit 1 and the fix.
	r = lift(t, dir, []string{"PATH=" + dir}, "doctor")
	if r.code != 1 || !strings.Contains(r.stdout, "MISSING") || !strings.Contains(r.stdout, "install cdk: npm install -g aws-cdk@") ||
		!strings.Contains(r.stdout, "install aws-lambda-rie: go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@") {
		t.Errorf("doctor without tools: exit %d, stdout:\n%s\nwant exit 1 with MISSING rows and install commands", r.code, r.stdout)
	}
	_ = os.Remove(dir)
}
