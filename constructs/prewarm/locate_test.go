package prewarm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLocateWarmer: from this repository, and from a user's module that
// requires Lift (here through a replace to this checkout), `go list` finds
// cmd/lift-warmer; from a module without Lift the error says what to do.
func TestLocateWarmer(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "cmd", "lift-warmer")

	got, err := locateWarmer("")
	if err != nil || got != want {
		t.Fatalf("in the repository: %q, %v; want %q", got, err, want)
	}
	if _, err := os.Stat(filepath.Join(got, "main.go")); err != nil {
		t.Fatalf("located dir has no main.go: %v", err)
	}

	user := t.TempDir()
	writeFile(t, filepath.Join(user, "go.mod"), "module example.com/app\n\ngo 1.26.8\n\nrequire github.com/liftcdk/lift v0.0.0\n\nreplace github.com/liftcdk/lift => "+root+"\n")
	got, err = locateWarmer(user)
	if err != nil || got != want {
		t.Fatalf("in a user's module: %q, %v; want %q", got, err, want)
	}

	other := t.TempDir()
	writeFile(t, filepath.Join(other, "go.mod"), "module example.com/other\n\ngo 1.26.8\n")
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	_, err = locateWarmer(other)
	if err == nil || !strings.Contains(err.Error(), "go get github.com/liftcdk/lift") || !strings.Contains(err.Error(), "WarmerProps.Entry") {
		t.Fatalf("without Lift: error %v, want one saying to go get Lift or set WarmerProps.Entry", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
