package bundling

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestPlanBatches(t *testing.T) {
	e := func(dir, mod string) Entry { return Entry{Given: dir, Dir: dir, ModuleDir: mod} }
	entries := []Entry{
		e("/m/orders/handler", "/m"),
		e("/m/inventory/handler", "/m"), // same name as orders': a second batch
		e("/m/warmer", "/m"),
		e("/m", "/m"),                     // module root: named after the module path, alone
		e("/m/tool/v2", "/m"),             // major version dir: named "tool", alone
		e("/other/cmd/api", "/other"),     // another module
		e("/m/warmer", "/m"),              // the same entry twice
		e("/m/billing/handler", "/m"),     // a third "handler"
		e("/other/cmd/handler", "/other"), // "handler" again, but in its own module
	}
	got := map[string][]string{}
	for _, b := range PlanBatches(entries, "linux", "arm64", "/out") {
		if b.GOOS != "linux" || b.GOARCH != "arm64" || !strings.HasPrefix(b.OutDir, "/out/linux-arm64/") {
			t.Errorf("batch %+v: wrong target or OutDir", b)
		}
		var dirs []string
		for _, x := range b.Entries {
			dirs = append(dirs, x.Dir)
		}
		got[strings.TrimPrefix(b.OutDir, "/out/linux-arm64/")] = dirs
	}
	want := map[string][]string{
		"single-" + shortHash("/m"):         {"/m"},
		shortHash("/m") + "-0":              {"/m/billing/handler", "/m/warmer"},
		shortHash("/m") + "-1":              {"/m/inventory/handler"},
		shortHash("/m") + "-2":              {"/m/orders/handler"},
		"single-" + shortHash("/m/tool/v2"): {"/m/tool/v2"},
		shortHash("/other") + "-3":          {"/other/cmd/api", "/other/cmd/handler"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("batches\n%v\nwant\n%v", got, want)
	}
}

// userModule writes a module with three handlers sharing a package: two
// named "handler" (so two batches) and one named "api".
func userModule(t *testing.T) string {
	t.Helper()
	main := func(name string) string {
		return "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/u/shared\"\n)\n\nfunc main() { fmt.Println(shared.Greeting(" + `"` + name + `"` + ")) }\n"
	}
	return writeTree(t, map[string]string{
		"go.mod":                    "module example.com/u\n\ngo 1.26\n",
		"shared/shared.go":          "package shared\n\nimport \"encoding/json\"\n\nfunc Greeting(n string) string { b, _ := json.Marshal(n); return string(b) }\n",
		"orders/handler/main.go":    main("orders"),
		"inventory/handler/main.go": main("inventory"),
		"cmd/api/main.go":           main("api"),
	})
}

// TestBatchesBuildRunAndStayUpToDate builds three handlers for the host in
// two go build invocations, runs each binary (each is its own handler), and
// builds again: with no source change nothing compiles and nothing links
// (go build -x runs no compile and no link step). A change in the shared
// package compiles it and relinks every handler.
func TestBatchesBuildRunAndStayUpToDate(t *testing.T) {
	mod := userModule(t)
	var entries []Entry
	for _, dir := range []string{"orders/handler", "inventory/handler", "cmd/api"} {
		e, err := ResolveEntry(filepath.Join(mod, dir), runtime.GOARCH)
		must(t, err)
		entries = append(entries, e)
	}
	out := t.TempDir()
	batches := PlanBatches(entries, runtime.GOOS, runtime.GOARCH, out)
	if len(batches) != 2 {
		t.Fatalf("%d batches, want 2 (two handlers named handler)", len(batches))
	}
	buildAll := func() (compiled, linked int) {
		for _, b := range batches {
			b.Progress = &bytes.Buffer{}
			res, err := b.Run(context.Background())
			must(t, err)
			compiled, linked = compiled+res.Compiled, linked+res.Linked
		}
		return compiled, linked
	}
	if _, linked := buildAll(); linked != 3 {
		t.Fatalf("first build linked %d binaries, want 3", linked)
	}
	prints := map[string]string{"orders/handler": "orders", "inventory/handler": "inventory", "cmd/api": "api"}
	for _, b := range batches {
		for _, e := range b.Entries {
			got, err := exec.Command(b.Output(e)).Output()
			must(t, err)
			rel, _ := filepath.Rel(mod, e.Dir)
			if want := `"` + prints[rel] + `"` + "\n"; string(got) != want {
				t.Errorf("%s printed %q, want %q", b.Output(e), got, want)
			}
		}
	}

	if compiled, linked := buildAll(); compiled != 0 || linked != 0 {
		t.Fatalf("unchanged sources: %d packages compiled, %d linked; want 0 and 0", compiled, linked)
	}
	for _, b := range batches {
		cmd := b.command(context.Background(), "go")
		cmd.Args = append(cmd.Args[:2], append([]string{"-x"}, cmd.Args[2:]...)...)
		trace, err := cmd.CombinedOutput()
		must(t, err)
		if s := string(trace); strings.Contains(s, "/compile ") || strings.Contains(s, "/link ") {
			t.Fatalf("unchanged sources: go build -x still compiles or links:\n%s", s)
		}
	}

	// A text no earlier run compiled, so the Go build cache cannot serve it.
	must(t, os.WriteFile(filepath.Join(mod, "shared/shared.go"),
		[]byte(fmt.Sprintf("package shared\n\nfunc Greeting(n string) string { return %q + n }\n", mod)), 0o644))
	if compiled, linked := buildAll(); compiled < 4 || linked != 3 {
		t.Fatalf("shared package changed: %d packages compiled, %d linked; want shared + 3 mains, and 3", compiled, linked)
	}
}

// TestBatchRelativeOutDirOfAnotherModule builds a handler of a module other
// than the current directory's (the Lift module a CDK app replaces, for its
// warmer) into a relative OutDir, as the CDK CLI's "cdk.out" gives: the
// binary is where Output says, relative to this process, not to the module.
func TestBatchRelativeOutDirOfAnotherModule(t *testing.T) {
	mod := userModule(t)
	e, err := ResolveEntry(filepath.Join(mod, "cmd/api"), runtime.GOARCH)
	must(t, err)
	t.Chdir(t.TempDir()) // the app's folder, where cdk synth runs
	batches := PlanBatches([]Entry{e}, runtime.GOOS, runtime.GOARCH, filepath.Join("cdk.out", OutDirName))
	b := batches[0]
	b.Progress = &bytes.Buffer{}
	_, err = b.Run(context.Background())
	must(t, err)
	got, err := exec.Command(b.Output(e)).Output()
	if err != nil || string(got) != "\"api\"\n" {
		t.Fatalf("%s: %q, %v; want the built handler printing \"api\"", b.Output(e), got, err)
	}
}

// TestBuildUsesGoBuildCache checks that a batch neither forces a rebuild (-a)
// nor isolates the Go build cache: built once, the same handler built into an
// empty directory compiles nothing (it only links).
func TestBuildUsesGoBuildCache(t *testing.T) {
	mod := writeTree(t, map[string]string{
		"go.mod":  "module example.com/c\n\ngo 1.26\n",
		"main.go": "package main\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n)\n\nfunc main() { json.NewEncoder(os.Stdout).Encode(\"cached\") }\n",
	})
	entry, err := ResolveEntry(mod, "amd64")
	must(t, err)
	b := &Batch{ModuleDir: mod, GOOS: "linux", GOARCH: "amd64", Entries: []Entry{entry}, OutDir: t.TempDir(), Progress: &bytes.Buffer{}}
	cmd := b.command(context.Background(), "go")
	for _, a := range cmd.Args {
		if a == "-a" {
			t.Fatalf("build forces a full rebuild: %v", cmd.Args)
		}
	}
	for _, kv := range cmd.Env[len(os.Environ()):] {
		if strings.HasPrefix(kv, "GOCACHE=") {
			t.Fatalf("build sets its own %s", kv)
		}
	}
	_, err = b.Run(context.Background())
	must(t, err)
	b.OutDir = t.TempDir()
	res, err := b.Run(context.Background())
	must(t, err)
	if res.Compiled != 0 || res.Linked != 1 {
		t.Fatalf("same handler, new output directory: %d compiled, %d linked; want 0 and 1", res.Compiled, res.Linked)
	}
}

func TestGoOutput(t *testing.T) {
	var progress bytes.Buffer
	o := newGoOutput(&progress, "2 handlers (linux/arm64)")
	for _, chunk := range []string{"example.com/u/sha", "red\ngo: downloading github.com/x/y v1.0.0\n", "# example.com/u/api\n",
		"cmd/api/main.go:3:2: undefined: x\n", "internal/abi\nvendor/golang.org/x/net/http2/hpack\n", "note: module requires Go 1.99"} {
		_, _ = o.Write([]byte(chunk))
	}
	if o.compiled() != 3 {
		t.Errorf("compiled = %d, want 3", o.compiled())
	}
	if want := "# example.com/u/api\ncmd/api/main.go:3:2: undefined: x\nnote: module requires Go 1.99"; o.message() != want {
		t.Errorf("message = %q, want %q", o.message(), want)
	}
	if want := "lift: go: downloading github.com/x/y v1.0.0\n"; progress.String() != want {
		t.Errorf("progress = %q, want %q", progress.String(), want)
	}
}
