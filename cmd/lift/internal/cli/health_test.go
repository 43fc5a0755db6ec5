package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestPrintHealth: a report's checks are listed with their durations, a
// failing service says where its reason is (answers carry no error text),
// and an unreachable one shows the error in place of checks.
func TestPrintHealth(t *testing.T) {
	rows := []healthRow{
		healthOf("shop", result{DurationMs: 3, Response: []byte(`{"status":"fail","checks":{"db":[{"status":"fail","observedValue":2.5,"observedUnit":"ms"}],"cache":[{"status":"pass","observedValue":0.5,"observedUnit":"ms"}]}}`)}, nil),
		healthOf("orders", result{Response: []byte(`{"status":"pass","checks":{}}`)}, nil),
		healthOf("inventory", result{}, errors.New("no such function")),
	}
	var out bytes.Buffer
	printHealth(&streams{out: &out}, rows)
	got := out.String()
	for _, want := range []string{
		"cache=pass (0.5 ms), db=fail (2.5 ms)",
		"why shop is fail: lift logs shop --level warn",
		"inventory  fail    no such function",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "why orders") || strings.Contains(got, "why inventory") {
		t.Errorf("a hint for a passing or unreachable service:\n%s", got)
	}
}
