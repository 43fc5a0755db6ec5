package docs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoTextFiles returns the repository's Go, Markdown, shell and Python files
// and its Makefile, relative to the docs folder, skipping installed tools
// and build outputs.
func repoTextFiles(t *testing.T) []string {
	t.Helper()
	skip := map[string]bool{"node_modules": true, ".tools": true, ".git": true, "cdk.out": true, "_gen": true, ".cache": true}
	var files []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".sh", ".py":
			files = append(files, path)
		default:
			if d.Name() == "Makefile" {
				files = append(files, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestNoDanglingFileReferences: every relative Markdown link resolves, and
// nothing cites notes that are not part of the repository.
func TestNoDanglingFileReferences(t *testing.T) {
	link := regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	absent := []string{"TOOLING.md", "DESIGN.md"} // maintainers' notes, not shipped: state the fact instead
	links := 0
	for _, path := range repoTextFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../")
		for _, name := range absent {
			if strings.Contains(text, name) && !strings.HasSuffix(path, "links_test.go") {
				t.Errorf("%s cites %s, which the repository does not have: write the fact itself", rel, name)
			}
		}
		if filepath.Ext(path) != ".md" {
			continue
		}
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links++
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", rel, m[1])
			}
		}
	}
	if links < 10 {
		t.Fatalf("found %d relative links in the Markdown files; expected the README's and docs' links", links)
	}
}
