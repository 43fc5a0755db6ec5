package lift_test

import (
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const contractPath = "github.com/liftcdk/lift/internal/contract"

// TestPublicAPIUsesPublicTypes: what a user of the runtime receives, the user
// can name. No exported function, method, field, variable or constant of a
// public runtime package may have a type declared in internal/contract; the
// packages give such types public names (aliases such as health.Response).
func TestPublicAPIUsesPublicTypes(t *testing.T) {
	pkgs := []string{
		"github.com/liftcdk/lift/runtime/lift",
		"github.com/liftcdk/lift/runtime/health",
		"github.com/liftcdk/lift/runtime/health/cloudmaphealth",
		"github.com/liftcdk/lift/runtime/warmer",
		"github.com/liftcdk/lift/runtime/metrics",
		"github.com/liftcdk/lift/runtime/cache",
		"github.com/liftcdk/lift/runtime/cache/dynamocache",
		"github.com/liftcdk/lift/runtime/cache/valkeycache",
		"github.com/liftcdk/lift/runtime/cache/cacheenv",
		"github.com/liftcdk/lift/runtime/discovery",
	}
	out, err := exec.Command("go", append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, file, _ := strings.Cut(line, "=")
		exports[path] = file
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })
	for _, path := range pkgs {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, name := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			where := pkg.Name() + "." + name
			if _, ok := obj.(*types.TypeName); ok {
				checkDeclaredType(t, where, obj.Type())
				continue
			}
			if bad := contractTypeIn(obj.Type()); bad != "" {
				t.Errorf("%s exposes %s: give it a public name (a type alias in the package users import)", where, bad)
			}
		}
	}
}

// checkDeclaredType checks the exported fields and methods of a type the
// package declares; an alias is itself the public name and is not opened.
func checkDeclaredType(t *testing.T, where string, typ types.Type) {
	named, ok := typ.(*types.Named)
	if !ok {
		return
	}
	for i := range named.NumMethods() {
		if m := named.Method(i); m.Exported() {
			if bad := contractTypeIn(m.Type()); bad != "" {
				t.Errorf("%s.%s exposes %s", where, m.Name(), bad)
			}
		}
	}
	if st, ok := named.Underlying().(*types.Struct); ok {
		for i := range st.NumFields() {
			if f := st.Field(i); f.Exported() {
				if bad := contractTypeIn(f.Type()); bad != "" {
					t.Errorf("%s.%s exposes %s", where, f.Name(), bad)
				}
			}
		}
	}
	if iface, ok := named.Underlying().(*types.Interface); ok {
		for i := range iface.NumMethods() {
			if bad := contractTypeIn(iface.Method(i).Type()); bad != "" {
				t.Errorf("%s.%s exposes %s", where, iface.Method(i).Name(), bad)
			}
		}
	}
}

// contractTypeIn returns the first type declared in internal/contract that
// appears, not through an alias, in typ.
func contractTypeIn(typ types.Type) string {
	switch t := typ.(type) {
	case *types.Alias:
		return ""
	case *types.Named:
		if t.Obj().Pkg() != nil && t.Obj().Pkg().Path() == contractPath {
			return fmt.Sprintf("contract.%s", t.Obj().Name())
		}
		for i := range t.TypeArgs().Len() {
			if bad := contractTypeIn(t.TypeArgs().At(i)); bad != "" {
				return bad
			}
		}
	case *types.Pointer:
		return contractTypeIn(t.Elem())
	case *types.Slice:
		return contractTypeIn(t.Elem())
	case *types.Array:
		return contractTypeIn(t.Elem())
	case *types.Map:
		if bad := contractTypeIn(t.Key()); bad != "" {
			return bad
		}
		return contractTypeIn(t.Elem())
	case *types.Chan:
		return contractTypeIn(t.Elem())
	case *types.Signature:
		for _, tuple := range []*types.Tuple{t.Params(), t.Results()} {
			for i := range tuple.Len() {
				if bad := contractTypeIn(tuple.At(i).Type()); bad != "" {
					return bad
				}
			}
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if bad := contractTypeIn(t.Field(i).Type()); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// TestExamplesUsePublicPackages: examples are what users copy, so neither
// their code nor their tests import internal/contract.
func TestExamplesUsePublicPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}", "../../examples/...").Output()
	if err != nil {
		t.Fatalf("go list ./examples/...: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 4 {
		t.Fatalf("found only %d example packages", len(lines))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		for _, imp := range fields[1:] {
			if imp == contractPath {
				t.Errorf("%s imports %s; use the public packages (lift, health, warmer, ...) or the variable names docs/contract.md lists", fields[0], contractPath)
			}
		}
	}
}
