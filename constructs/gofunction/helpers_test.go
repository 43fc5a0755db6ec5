package gofunction_test

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/liftcdk/lift/constructs/cdktest"
)

// testdataDir is the absolute path of testdata/name.
func testdataDir(t *testing.T, name string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// functionAsset returns the S3 key hash of the single function with the given
// logical id prefix, and the path of its staged bootstrap in the app's outdir.
func functionAsset(t *testing.T, app awscdk.App, tmpl assertions.Template, prefix string) (hash, bootstrap string) {
	t.Helper()
	for id, r := range cdktest.Resources(t, tmpl, "AWS::Lambda::Function") {
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		key := r["Properties"].(map[string]any)["Code"].(map[string]any)["S3Key"].(string)
		hash = strings.TrimSuffix(key, ".zip")
		return hash, filepath.Join(*app.Outdir(), "asset."+hash, "bootstrap")
	}
	t.Fatalf("no AWS::Lambda::Function with logical id prefix %q", prefix)
	return "", ""
}

// elfMachine reads the target machine of a built binary.
func elfMachine(t *testing.T, path string) elf.Machine {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("open built bootstrap: %v", err)
	}
	defer f.Close()
	return f.Machine
}

// writeModule writes a tiny user module (its own go.mod, stdlib only) with a
// main package in cmd/hello and returns the module directory.
func writeModule(t *testing.T, greeting string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/userapp\n\ngo 1.26\n",
		"cmd/hello/main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(" + fmt.Sprintf("%q", greeting) + ") }\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(path, body string) error { return os.WriteFile(path, []byte(body), 0o644) }
