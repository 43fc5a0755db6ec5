package docs_test

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// contractDir is internal/contract, relative to this package's directory.
const contractDir = "../internal/contract"

// contractPackage type-checks internal/contract from source, so every exported
// name is found, including those added in new files by other areas.
func contractPackage(t *testing.T) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	matches, err := filepath.Glob(filepath.Join(contractDir, "*.go"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no Go files in %s (%v): run the test from the module (go test ./docs/...)", contractDir, err)
	}
	var files []*ast.File
	for _, name := range matches {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("github.com/liftcdk/lift/internal/contract", fset, files, nil)
	if err != nil {
		t.Fatalf("type-check internal/contract: %v", err)
	}
	return pkg
}

// wantedText lists what contract.md must contain for one exported object:
// its name in backticks (a function as `Name(`), and for constants their
// value as the doc shows it.
func wantedText(obj types.Object) []string {
	want := []string{"`" + obj.Name() + "`"}
	switch o := obj.(type) {
	case *types.Func:
		want = []string{"`" + obj.Name() + "("}
	case *types.Const:
		v := o.Val()
		switch {
		case v.Kind() == constant.String:
			want = append(want, "`"+constant.StringVal(v)+"`")
		case o.Type().String() == "time.Duration":
			ns, _ := constant.Int64Val(v)
			want = append(want, "`"+time.Duration(ns).String()+"`")
		case v.Kind() == constant.Int:
			want = append(want, "`"+v.ExactString()+"`")
		}
	case *types.TypeName:
		// Every JSON member of an event or payload type is documented.
		if st, ok := o.Type().Underlying().(*types.Struct); ok {
			for i := range st.NumFields() {
				tag := reflect.StructTag(st.Tag(i)).Get("json")
				if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
					want = append(want, "`"+name+"`")
				}
			}
		}
	}
	return want
}

// TestContractDocumented fails when contract.md misses an exported name of
// internal/contract, a constant's value, or a JSON member of a contract type.
// Fix it by adding the row to docs/contract.md.
func TestContractDocumented(t *testing.T) {
	doc := readDoc(t, "contract.md")
	pkg := contractPackage(t)
	scope := pkg.Scope()
	names := scope.Names()
	sort.Strings(names)
	if len(names) < 50 {
		t.Fatalf("found only %d names in internal/contract: the parser is not seeing the package", len(names))
	}
	for _, name := range names {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		for _, w := range wantedText(obj) {
			if !strings.Contains(doc, w) {
				t.Errorf("docs/contract.md does not mention %s (for contract.%s): add it", w, name)
			}
		}
		// Methods of contract types (WarmupEvent.Hold) are API too.
		if tn, ok := obj.(*types.TypeName); ok {
			if named, ok := tn.Type().(*types.Named); ok {
				for i := range named.NumMethods() {
					if m := named.Method(i); m.Exported() && !strings.Contains(doc, "`"+m.Name()+"`") && !strings.Contains(doc, "."+m.Name()+"(") {
						t.Errorf("docs/contract.md does not mention method %s.%s: add it", name, m.Name())
					}
				}
			}
		}
	}
}

// buildTimeVariables are LIFT_* variables of the synth machine, not of a
// function, so they are not in the contract: each maps to the source file that
// defines it, which the test reads to prove it still exists.
var buildTimeVariables = map[string]string{
	"LIFT_BUILD_JOBS": "../constructs/internal/bundling/scheduler.go",
}

// TestContractDocInventsNothing fails when a page of docs/ names a LIFT_*
// variable or attribute that internal/contract does not define (build-time
// variables aside, checked against their source).
func TestContractDocInventsNothing(t *testing.T) {
	known := map[string]bool{}
	for name, file := range buildTimeVariables {
		src, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(src), `"`+name+`"`) {
			t.Errorf("build-time variable %s is no longer defined in %s (%v): update the docs", name, file, err)
		}
		known[name] = true
	}
	scope := contractPackage(t).Scope()
	for _, name := range scope.Names() {
		if c, ok := scope.Lookup(name).(*types.Const); ok && c.Val().Kind() == constant.String {
			known[constant.StringVal(c.Val())] = true
		}
	}
	for _, doc := range []string{"contract.md", "constructs.md", "runtime.md", "architecture.md"} {
		text := readDoc(t, doc)
		for _, v := range regexp.MustCompile(`\bLIFT_[A-Z0-9_]*[A-Z0-9]\b`).FindAllString(text, -1) {
			if !known[v] {
				t.Errorf("docs/%s names %s, which internal/contract does not define", doc, v)
			}
		}
	}
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("read docs/%s: %v", name, err)
	}
	return string(b)
}
