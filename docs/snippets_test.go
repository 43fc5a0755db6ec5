package docs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSnippetsCompile fails when a ```go block of a page is not, line for
// line (indentation aside), part of its example file, whose Example functions
// `go vet` and `go test` compile and, where they have an Output comment, run.
// So every Go snippet in the docs compiles.
func TestSnippetsCompile(t *testing.T) {
	for _, tc := range []struct {
		doc, examples string
		minBlocks     int
	}{
		{"runtime.md", "runtime_example_test.go", 5},
		{"constructs.md", "constructs_example_test.go", 1},
		{"architecture.md", "runtime_example_test.go", 0},
	} {
		src, err := os.ReadFile(tc.examples)
		if err != nil {
			t.Fatal(err)
		}
		code := trimmedLines(string(src))
		blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(readDoc(t, tc.doc), -1)
		if len(blocks) < tc.minBlocks {
			t.Fatalf("%s has %d go blocks; expected at least %d", tc.doc, len(blocks), tc.minBlocks)
		}
		for i, b := range blocks {
			if !containsRun(code, trimmedLines(b[1])) {
				t.Errorf("%s go block %d is not in %s (copy it from there):\n%s", tc.doc, i+1, tc.examples, b[1])
			}
		}
	}
}

func trimmedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
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
