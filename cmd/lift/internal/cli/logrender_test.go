package cli

import (
	"strings"
	"testing"
	"time"
)

func TestParseLogLine(t *testing.T) {
	at := time.Date(2026, 12, 7, 2, 9, 56, 0, time.UTC)
	tests := []struct {
		raw, want string
		keep      bool
	}{
		{`{"time":"2026-12-07T02:09:56.629Z","level":"INFO","msg":"request","instanceId":"i","service":"shop","requestId":"r-1","coldStart":true,"path":"/hello"}`,
			`02:09:56.629 INFO   request  coldStart=true path=/hello  [r-1]`, true},
		{`{"_aws":{"Timestamp":1796609396837,"CloudWatchMetrics":[{"Namespace":"Lift","Dimensions":[["Service"]],"Metrics":[{"Name":"ColdStart","Unit":"Count"}]}]},"Service":"shop","ColdStart":1}`,
			`02:09:56.837 METRIC ColdStart=1  Service=shop`, true},
		{"REPORT RequestId: r-1\tInit Duration: 0.02 ms\tDuration: 227.03 ms\tBilled Duration: 228 ms\t",
			`02:09:56.000 -      REPORT Init Duration: 0.02 ms Duration: 227.03 ms Billed Duration: 228 ms  [r-1]`, true},
		{`plain text from the runtime`, `02:09:56.000 -      plain text from the runtime`, true},
		{`07 Dec 2026 02:09:56,613 [INFO] (rapid) INIT START(type: on-demand, phase: init)`, "", false},
		{`START RequestId: r-1 Version: $LATEST`, "", false},
		{`END RequestId: r-1`, "", false},
	}
	for _, tt := range tests {
		l, ok := parseLogLine(tt.raw, at)
		if ok != tt.keep || (ok && l.render() != tt.want) {
			t.Errorf("parseLogLine(%q) = %q, %v; want %q, %v", tt.raw, l.render(), ok, tt.want, tt.keep)
		}
	}
}

func TestLogPrinterFilters(t *testing.T) {
	var out strings.Builder
	lines := []string{
		`{"time":"2026-12-07T02:00:00Z","level":"INFO","msg":"old"}`,
		`{"time":"2026-12-07T02:10:00Z","level":"INFO","msg":"fresh info"}`,
		`{"time":"2026-12-07T02:10:01Z","level":"WARN","msg":"fresh warn","k":"needle"}`,
		`{"time":"2026-12-07T02:10:02Z","level":"ERROR","msg":"fresh error"}`,
	}
	emit := logsOptions{level: "warn"}.printer(&out, time.Date(2026, 12, 7, 2, 5, 0, 0, time.UTC))
	for _, l := range lines {
		emit(l, time.Time{})
	}
	if got := out.String(); strings.Contains(got, "old") || strings.Contains(got, "info") || !strings.Contains(got, "fresh warn") || !strings.Contains(got, "fresh error") {
		t.Fatalf("--since and --level warn printed:\n%s", got)
	}
	out.Reset()
	emit = logsOptions{filter: "needle"}.printer(&out, time.Time{})
	for _, l := range lines {
		emit(l, time.Time{})
	}
	if got := strings.TrimSpace(out.String()); !strings.Contains(got, "fresh warn") || strings.Count(got, "\n") != 0 {
		t.Fatalf("--filter needle printed:\n%s", got)
	}
}

func TestPercentiles(t *testing.T) {
	var v []float64
	for i := 100; i >= 1; i-- {
		v = append(v, float64(i))
	}
	if got := percentiles(v); got.P50 != 51 || got.P90 != 91 || got.P99 != 100 || got.Max != 100 || got.N != 100 {
		t.Fatalf("percentiles(1..100) = %+v", got)
	}
	if got := percentiles(nil); got != (latency{}) {
		t.Fatalf("percentiles(nil) = %+v", got)
	}
}
