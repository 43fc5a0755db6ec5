package gofunction_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// synthHash synthesizes a fresh app with one function and returns its asset
// hash. The app runs from the user's module (cwd) with a relative Entry, as
// `cdk synth` in a user's own project would.
func synthHash(t *testing.T, entry string) string {
	t.Helper()
	// CDK caches staged assets per process by source path and options; a real
	// `cdk synth` is a fresh process, so start each synth from a clean cache.
	awscdk.AssetStaging_ClearAssetHashCache()
	app, stack := cdktest.NewStack(t, "Hash")
	gofunction.New(stack, jsii.String("Fn"), &gofunction.Props{Entry: jsii.String(entry)})
	hash, bootstrap := functionAsset(t, app, cdktest.Template(stack), "FnFunction")
	if _, err := os.Stat(bootstrap); err != nil {
		t.Fatalf("bootstrap not staged: %v", err)
	}
	return hash
}

// TestAssetHash checks that the same sources give the same asset hash on a
// second synth (no spurious redeploy) and that a change in the sources, here
// in a package the entry imports, changes it.
func TestAssetHash(t *testing.T) {
	mod := writeModule(t, "v1")
	t.Chdir(mod)

	first := synthHash(t, "./cmd/hello")
	second := synthHash(t, "./cmd/hello")
	if first != second {
		t.Fatalf("same sources gave two asset hashes: %s then %s", first, second)
	}
	t.Logf("hash stable over two synths: %s", first)

	// A change outside the entry directory that reaches the binary.
	lib := filepath.Join(mod, "greet", "greet.go")
	if err := os.MkdirAll(filepath.Dir(lib), 0o755); err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(lib, []byte("package greet\n\nfunc Text() string { return \"v2\" }\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(mod, "cmd/hello/main.go"), []byte(
		"package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/userapp/greet\"\n)\n\nfunc main() { fmt.Println(greet.Text()) }\n"), 0o644))
	changed := synthHash(t, "./cmd/hello")
	if changed == first {
		t.Fatalf("changed sources kept asset hash %s", first)
	}

	must(t, os.WriteFile(lib, []byte("package greet\n\nfunc Text() string { return \"v3\" }\n"), 0o644))
	changedDep := synthHash(t, "./cmd/hello")
	if changedDep == changed {
		t.Fatalf("a change in an imported package kept asset hash %s", changed)
	}
	t.Logf("hash changed with the entry (%s) and with an imported package (%s)", changed, changedDep)
}

// TestCompileError checks that a handler that does not compile fails the
// synth with the compiler's output and the entry path. Defining the function
// only starts its build; the error surfaces when the app is synthesized.
func TestCompileError(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Broken")
	entry := testdataDir(t, "broken")
	gofunction.New(stack, jsii.String("Fn"), &gofunction.Props{Entry: jsii.String(entry)})
	msg := cdktest.SynthError(t, nil, func() { cdktest.Template(stack) }).Error()
	for _, want := range []string{"go build failed", entry, "undefined: undefinedFunction", "linux/arm64"} {
		if !strings.Contains(msg, want) {
			t.Errorf("synth error lacks %q:\n%s", want, msg)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
