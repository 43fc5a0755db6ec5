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
// no file cites a capitalised Markdown note the repository does not have (notes users
// never get): state the fact itself instead.
func TestNoDanglingFileReferences(t *testing.T) {
	link := regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	cited := regexp.MustCompile(`\b[A-Z][A-Z0-9_-]+\.md\b`) // notes are named in capitals by convention, as README.md is
	files := repoTextFiles(t)
	docs := map[string]bool{}
	for _, path := range files {
		if name := filepath.Base(path); strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".md.tmpl") {
			docs[strings.TrimSuffix(name, ".tmpl")] = true
		}
	}
	links := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../")
		for _, name := range cited.FindAllString(text, -1) {
			if !docs[name] {
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
