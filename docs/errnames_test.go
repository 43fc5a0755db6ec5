package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestConfigErrorsShareOneName: every runtime package that reports a bad
// option or configuration variable does so with an error named
// ErrInvalidConfig, so users match one name whatever the package.
func TestConfigErrorsShareOneName(t *testing.T) {
	configErr := regexp.MustCompile(`^Err\w*Conf`)
	found := 0
	err := filepath.WalkDir("../runtime", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, name := range spec.(*ast.ValueSpec).Names {
					if !configErr.MatchString(name.Name) {
						continue
					}
					found++
					if name.Name != "ErrInvalidConfig" {
						t.Errorf("%s: %s: name configuration errors ErrInvalidConfig, as every runtime package does", path, name.Name)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 4 {
		t.Fatalf("found %d configuration errors under runtime/; expected lift, cache, discovery and cloudmaphealth's", found)
	}
}
