package localsvc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/localsvc"
)

func TestStartLocalRefusesWhatCannotRun(t *testing.T) {
	notExec := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(notExec, []byte("not a program"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bootstrap := range []string{"", t.TempDir(), notExec} {
		_, err := localsvc.StartLocal(localsvc.RIEOptions{Bootstrap: bootstrap})
		if err == nil || !strings.Contains(err.Error(), "RIEOptions.Bootstrap") {
			t.Errorf("StartLocal(%q) = %v, want an error naming RIEOptions.Bootstrap", bootstrap, err)
		}
	}
}

func TestStartLocalReportsAnEarlyExit(t *testing.T) {
	script := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho no config >&2\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := localsvc.StartLocal(localsvc.RIEOptions{Bootstrap: script})
	if err == nil || !strings.Contains(err.Error(), "no config") || !strings.Contains(err.Error(), "local mode") {
		t.Fatalf("StartLocal of a process that exits: %v, want its output in the error", err)
	}
}
