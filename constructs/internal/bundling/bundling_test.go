package bundling

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
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

func TestResolveEntry(t *testing.T) {
	mod := writeTree(t, map[string]string{
		"go.mod":                  "module example.com/m\n\ngo 1.26\n",
		"cmd/api/main.go":         "package main\n\nfunc main() {}\n",
		"cmd/api/main_test.go":    "package main\n",
		"lib/lib.go":              "package lib\n",
		"windowsonly/main.go":     "//go:build windows\n\npackage main\n\nfunc main() {}\n",
		"nested/go.mod":           "module example.com/nested\n\ngo 1.26\n",
		"nested/cmd/job/main.go":  "package main\n\nfunc main() {}\n",
		"docs/README.md":          "not go\n",
		"cmd/api/not-a-dir.txt":   "x\n",
		"cmd/arm/main_arm64.go":   "package main\n\nfunc main() {}\n",
		"cmd/arm/main_default.go": "//go:build !arm64\n\npackage main\n\nfunc main() {}\n",
	})
	t.Chdir(mod)
	tests := []struct {
		entry, goarch string
		wantErr       error
		wantModule    string
	}{
		{"cmd/api", "arm64", nil, mod},
		{"./cmd/api/", "amd64", nil, mod},
		{filepath.Join(mod, "cmd/api"), "arm64", nil, mod},
		{"nested/cmd/job", "arm64", nil, filepath.Join(mod, "nested")}, // its own module wins
		{"cmd/arm", "arm64", nil, mod},
		{"cmd/arm", "amd64", nil, mod},
		{"", "arm64", ErrEntryMissing, ""},
		{"  ", "arm64", ErrEntryMissing, ""},
		{"cmd/none", "arm64", ErrEntryNotDir, ""},
		{"cmd/api/not-a-dir.txt", "arm64", ErrEntryNotDir, ""},
		{"lib", "arm64", ErrNotMain, ""},
		{"docs", "arm64", ErrNotMain, ""},
		{"windowsonly", "arm64", ErrNotMain, ""}, // no files for linux
	}
	for _, tt := range tests {
		t.Run(tt.entry+"/"+tt.goarch, func(t *testing.T) {
			got, err := ResolveEntry(tt.entry, tt.goarch)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (got.ModuleDir != tt.wantModule || !filepath.IsAbs(got.Dir) || got.Given != tt.entry) {
				t.Fatalf("got %+v, want module %s", got, tt.wantModule)
			}
		})
	}

	t.Run("outside any module", func(t *testing.T) {
		dir := writeTree(t, map[string]string{"main.go": "package main\n\nfunc main() {}\n"})
		_, err := ResolveEntry(dir, "arm64")
		if !errors.Is(err, ErrNoModule) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "go mod init") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestBuildReproducible builds the same sources twice from two checkouts at
// different paths: -trimpath and -buildvcs=false must make the bytes equal,
// which is what keeps the asset hash (and deploys) stable.
func TestBuildReproducible(t *testing.T) {
	src := map[string]string{
		"go.mod":      "module example.com/r\n\ngo 1.26\n",
		"cmd/main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"r\") }\n",
	}
	var bins [][]byte
	for range 2 {
		mod := writeTree(t, src)
		entry, err := ResolveEntry(filepath.Join(mod, "cmd"), "arm64")
		must(t, err)
		var progress bytes.Buffer
		b := &Batch{ModuleDir: mod, GOOS: "linux", GOARCH: "arm64", Entries: []Entry{entry}, OutDir: t.TempDir(), Progress: &progress}
		_, err = b.Run(context.Background())
		must(t, err)
		if p := progress.String(); !strings.HasPrefix(p, "lift: built 1 handler (linux/arm64) in ") {
			t.Fatalf("progress line = %q", p)
		}
		bin, err := os.ReadFile(b.Output(entry))
		must(t, err)
		bins = append(bins, bin)
	}
	if !bytes.Equal(bins[0], bins[1]) {
		t.Fatal("same sources at two paths built to different binaries")
	}
}

// TestBuildError: the compiler's message comes first, in the error and on
// the progress writer, then the entry path and target.
func TestBuildError(t *testing.T) {
	mod := writeTree(t, map[string]string{
		"go.mod":  "module example.com/b\n\ngo 1.26\n",
		"main.go": "package main\n\nfunc main() { nope() }\n",
	})
	entry, err := ResolveEntry(mod, "amd64")
	must(t, err)
	var progress bytes.Buffer
	b := &Batch{ModuleDir: mod, GOOS: "linux", GOARCH: "amd64", Entries: []Entry{entry}, OutDir: t.TempDir(), Progress: &progress}
	_, err = b.Run(context.Background())
	if !errors.Is(err, ErrBuild) {
		t.Fatalf("err = %v, want ErrBuild", err)
	}
	if !strings.HasPrefix(err.Error(), "# example.com/b\n") {
		t.Errorf("error does not start with the compiler's message:\n%v", err)
	}
	for _, want := range []string{mod, "linux/amd64", "undefined: nope"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if got := progress.String(); got != err.Error()+"\n" {
		t.Errorf("progress = %q, want the error alone", got)
	}
}
