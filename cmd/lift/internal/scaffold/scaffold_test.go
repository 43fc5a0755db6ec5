package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStackName(t *testing.T) {
	for in, want := range map[string]string{"shop": "Shop", "order-api": "OrderApi", "a_b-c": "ABC", "9lives": "App9lives"} {
		if got := StackName(in); got != want {
			t.Errorf("StackName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewDataRejectsBadNames(t *testing.T) {
	for _, name := range []string{"", "-shop", "shop!", strings.Repeat("a", 64)} {
		if _, err := NewData(name, ""); err == nil || !strings.Contains(err.Error(), "service name") {
			t.Errorf("NewData(%q): %v, want the service-name rule", name, err)
		}
	}
}

// TestWrite renders every template (the full app is built and tested by
// cmd/lift's TestNewAppInLocalCloud) and refuses a folder with files.
func TestWrite(t *testing.T) {
	d, err := NewData("order-api", "example.com/orders")
	if err != nil {
		t.Fatal(err)
	}
	d.GoVersion, d.LiftVersion, d.LiftReplace = "1.26.8", "v0.0.0-00010101000000-000000000000", "/src/lift"
	dir := filepath.Join(t.TempDir(), "app")
	files, err := Write(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("wrote %v", files)
	}
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	stack, _ := os.ReadFile(filepath.Join(dir, "stack.go"))
	if !strings.Contains(string(gomod), "module example.com/orders") || !strings.Contains(string(gomod), "replace github.com/liftcdk/lift => /src/lift") ||
		!strings.Contains(string(stack), `StackName = "OrderApi"`) || !strings.Contains(string(stack), `ServiceName = "order-api"`) {
		t.Fatalf("go.mod:\n%s\nstack.go:\n%s", gomod, stack)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitignore")); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, d); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second Write: %v, want ErrNotEmpty", err)
	}
}
