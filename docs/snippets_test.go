package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// notCompiled is the marker that, on the line above a ```go fence, exempts
// that block from compilation; the reason after the colon is required.
var notCompiled = regexp.MustCompile(`^<!--\s*not compiled:\s*(.*?)\s*-->$`)

// snippet is one ```go block of a page.
type snippet struct {
	page   string // as the failure names it, e.g. "README.md"
	line   int    // of the opening fence, 1-based
	lines  []string
	exempt bool // marked as not compiled
}

// TestSnippetsCompile: every ```go block of README.md and docs/*.md is, line
// for line (spacing aside), part of an Example function in one of
// docs/*_example_test.go, which `go vet` and `go test ./docs/` compile and,
// where they have an Output comment, run. So every Go snippet users read
// compiles, unless the page marks it as not compiled and says why.
func TestSnippetsCompile(t *testing.T) {
	examples, err := filepath.Glob("*_example_test.go")
	if err != nil || len(examples) == 0 {
		t.Fatalf("no docs/*_example_test.go files (%v)", err)
	}
	var code [][]string
	for _, f := range examples {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code = append(code, trimmedLines(string(src)))
	}
	pages, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, "../README.md")
	var blocks []snippet
	for _, page := range pages {
		src, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, goBlocks(t, displayPath(page), string(src))...)
	}
	if len(blocks) < 12 {
		t.Fatalf("found %d go blocks in README.md and docs/*.md; expected at least 12 (is the fence parser broken?)", len(blocks))
	}
	for _, b := range blocks {
		switch {
		case b.exempt:
			continue
		case !containsAnyRun(code, trimmedLines(strings.Join(b.lines, "\n"))):
			t.Errorf("%s:%d: this ```go block is not compiled by any test. Fix: copy it, line for line (spacing aside), "+
				"into an Example function of docs/%s_example_test.go (declare what it uses above it) so `go test ./docs/` compiles it; "+
				"or, only if it cannot compile, put <!-- not compiled: REASON --> on the line above the fence. The block:\n%s",
				b.page, b.line, exampleFileFor(b.page), strings.Join(b.lines, "\n"))
		}
	}
}

// goBlocks returns the ```go blocks of a page, with the line of each fence
// and its exemption, if any.
func goBlocks(t *testing.T, page, src string) []snippet {
	t.Helper()
	lines := strings.Split(src, "\n")
	var out []snippet
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		b := snippet{page: page, line: i + 1}
		if i > 0 {
			if m := notCompiled.FindStringSubmatch(strings.TrimSpace(lines[i-1])); m != nil {
				if m[1] == "" {
					t.Errorf("%s:%d: <!-- not compiled: --> needs a reason after the colon", page, i)
				}
				b.exempt = true
			}
		}
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			b.lines = append(b.lines, lines[i])
		}
		if i == len(lines) {
			t.Errorf("%s:%d: the ```go block is never closed", page, b.line)
		}
		out = append(out, b)
	}
	return out
}

// displayPath is page relative to the repository root.
func displayPath(page string) string { return filepath.ToSlash(filepath.Join("docs", page)) }

// exampleFileFor names the example file a page's snippets would go in.
func exampleFileFor(page string) string {
	return strings.ToLower(strings.TrimSuffix(filepath.Base(page), ".md"))
}

// trimmedLines returns the non-blank lines of s with runs of spaces made one,
// so gofmt's indentation and comment alignment do not count.
func trimmedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func containsAnyRun(files [][]string, want []string) bool {
	for _, have := range files {
		if containsRun(have, want) {
			return true
		}
	}
	return false
}

// containsRun reports whether want occurs as consecutive lines of have.
func containsRun(have, want []string) bool {
	for i := 0; i+len(want) <= len(have); i++ {
		match := true
		for j := range want {
			if have[i+j] != want[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func TestGoBlocksFindsLinesAndExemptions(t *testing.T) {
	page := "# T\n\n```go\na := 1\n```\n\n<!-- not compiled: pseudo-code -->\n```go\nfoo(...)\n```\n"
	got := goBlocks(t, "p.md", page)
	if len(got) != 2 || got[0].line != 3 || got[0].exempt || !got[1].exempt || got[1].line != 8 || got[1].lines[0] != "foo(...)" {
		t.Fatalf("goBlocks = %+v; want the block at line 3 compiled and the one at line 8 exempt", got)
	}
}
