package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// contractName is a reference to a name of internal/contract, which users
// cannot import ("docs/contract.md" is a file and does not match).
var contractName = regexp.MustCompile(`\bcontract\.[A-Z]\w*`)

// TestPublicDocsNameNoContract: what go doc shows a user of a public package
// (runtime/... and constructs/..., internal packages aside) names what the
// user can see — a variable's name, a default's value, a public alias — never
// a name of internal/contract, which the user cannot import or look up.
func TestPublicDocsNameNoContract(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{.Dir}} {{join .GoFiles \" \"}}", "../runtime/...", "../constructs/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if strings.Contains(fields[0]+"/", "/internal/") {
			continue
		}
		for _, name := range fields[2:] {
			path := filepath.Join(fields[1], name)
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
			if err != nil {
				t.Fatalf("parse %s: %v", path, err)
			}
			for _, c := range publicComments(f) {
				if bad := contractName.FindString(c.Text()); bad != "" {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s:%d: the doc of an exported name cites %s; say what users see instead (the LIFT_* variable, the default's value, or a public alias)",
						rel, fset.Position(c.Pos()).Line, bad)
				}
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("checked only %d files; expected every public runtime/ and constructs/ package", checked)
	}
}

// publicComments returns the comments go doc shows for a file: the package
// doc and the docs of exported declarations, with their exported fields and
// interface methods.
func publicComments(f *ast.File) []*ast.CommentGroup {
	var cs []*ast.CommentGroup
	add := func(gs ...*ast.CommentGroup) {
		for _, g := range gs {
			if g != nil {
				cs = append(cs, g)
			}
		}
	}
	add(f.Doc)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() && (d.Recv == nil || receiverExported(d.Recv)) {
				add(d.Doc)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					add(d.Doc, s.Doc, s.Comment)
					add(memberComments(s.Type)...)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							add(d.Doc, s.Doc, s.Comment)
							break
						}
					}
				}
			}
		}
	}
	return cs
}

// memberComments returns the comments of a struct's exported fields (embedded
// ones included) or an interface's methods.
func memberComments(typ ast.Expr) []*ast.CommentGroup {
	var list *ast.FieldList
	switch t := typ.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list = t.Methods
	default:
		return nil
	}
	var cs []*ast.CommentGroup
	for _, f := range list.List {
		exported := len(f.Names) == 0
		for _, n := range f.Names {
			exported = exported || n.IsExported()
		}
		if exported {
			cs = append(cs, f.Doc, f.Comment)
		}
	}
	return cs
}

// receiverExported reports whether a method's receiver type is exported.
func receiverExported(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	for {
		switch t := typ.(type) {
		case *ast.StarExpr:
			typ = t.X
		case *ast.IndexExpr:
			typ = t.X
		case *ast.IndexListExpr:
			typ = t.X
		case *ast.Ident:
			return t.IsExported()
		default:
			return false
		}
	}
}
