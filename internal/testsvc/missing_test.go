package testsvc_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/testsvc"
)

// outcomeTB records how a helper ended the test it was given.
type outcomeTB struct {
	testing.TB
	outcome, msg string
}

func (o *outcomeTB) Helper() {}

func (o *outcomeTB) Skipf(format string, args ...any) { o.end("skip", format, args) }

func (o *outcomeTB) Fatalf(format string, args ...any) { o.end("fail", format, args) }

func (o *outcomeTB) end(outcome, format string, args []any) {
	o.outcome, o.msg = outcome, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls f with a recorder in its own goroutine (Skipf and Fatalf end it)
// and returns how it ended: "skip", "fail" or "pass".
func run(t *testing.T, f func(testing.TB)) (outcome, msg string) {
	rec := &outcomeTB{TB: t, outcome: "pass"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec.outcome, rec.msg
}

// fakePath makes PATH a directory holding only the named executables (links
// to the real ones when they exist, empty scripts otherwise).
func fakePath(t *testing.T, names ...string) string {
	dir := t.TempDir()
	for _, name := range names {
		target := filepath.Join(dir, name)
		if real, err := exec.LookPath(name); err == nil {
			if err := os.Symlink(real, target); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(target, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	return dir
}

func TestMissingToolSkipsOrFails(t *testing.T) {
	testsvc.Root(t) // found before PATH changes
	tests := []struct {
		name, ci, require, want string
	}{
		{name: "developer machine", want: "skip"},
		{name: "explicitly not required", require: "0", want: "skip"},
		{name: "CI=true", ci: "true", want: "fail"},
		{name: "LIFT_REQUIRE_SERVICES=1", require: "1", want: "fail"},
		{name: "CI wins over 0", ci: "true", require: "0", want: "fail"},
		{name: "typo fails", require: "yes", want: "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			t.Setenv(testsvc.RequireServicesEnv, tt.require)
			dir := fakePath(t, "lift-fake-tool")

			if outcome, msg := run(t, func(tb testing.TB) {
				if got, want := testsvc.Tool(tb, "lift-fake-tool"), filepath.Join(dir, "lift-fake-tool"); got != want {
					tb.Fatalf("Tool = %q, want %q", got, want)
				}
			}); outcome != "pass" {
				t.Fatalf("an installed tool: %s: %s", outcome, msg)
			}

			outcome, msg := run(t, func(tb testing.TB) { testsvc.Tool(tb, "lift-no-such-tool") })
			if outcome != tt.want {
				t.Fatalf("missing tool: %s, want %s: %s", outcome, tt.want, msg)
			}
			if strings.Contains(msg, "\n") || !strings.Contains(msg, "lift-no-such-tool is not installed") || !strings.Contains(msg, "make setup") {
				t.Errorf("message is not one line naming the tool and `make setup`: %q", msg)
			}
			if tt.require == "yes" && !strings.Contains(msg, `LIFT_REQUIRE_SERVICES="yes"`) {
				t.Errorf("a bad LIFT_REQUIRE_SERVICES value is not named: %q", msg)
			}
		})
	}
}

func TestMissingToolNamesItsInstallCommand(t *testing.T) {
	testsvc.Root(t)
	t.Setenv("CI", "")
	t.Setenv(testsvc.RequireServicesEnv, "")
	tests := []struct {
		name string
		f    func(testing.TB)
		want string
	}{
		{"cfn-lint", func(tb testing.TB) { testsvc.Tool(tb, "cfn-lint") }, "cfn-lint is not installed: pip install cfn-lint"},
		{"redis", func(tb testing.TB) { testsvc.Redis(tb, testsvc.RedisOptions{}) }, "redis-server is not installed: run `make setup` (it runs apt-get install redis-server)"},
		{"valkey", func(tb testing.TB) { testsvc.Redis(tb, testsvc.RedisOptions{Binary: "valkey-server"}) }, "valkey-server is not installed: run `make setup`"},
		// python3 is there, moto is not: the skip names moto, not a traceback.
		{"moto", func(tb testing.TB) { testsvc.Moto(tb) }, "moto_server is not installed: pip install 'moto[server]==5.2.1'"},
		{"chromium", func(tb testing.TB) { testsvc.Tool(tb, "chromium") }, "chromium is not installed: apt-get install chromium"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakePath(t, "python3")
			outcome, msg := run(t, tt.f)
			if outcome != "skip" || !strings.Contains(msg, tt.want) {
				t.Fatalf("%s: %q, want a skip saying %q", outcome, msg, tt.want)
			}
		})
	}
}
