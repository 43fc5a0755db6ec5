package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// emfLine is the subset of an EMF line the tests read back.
type emfLine struct {
	AWS struct {
		Timestamp         int64 `json:"Timestamp"`
		CloudWatchMetrics []struct {
			Namespace  string     `json:"Namespace"`
			Dimensions [][]string `json:"Dimensions"`
			Metrics    []struct {
				Name string `json:"Name"`
				Unit string `json:"Unit"`
			} `json:"Metrics"`
		} `json:"CloudWatchMetrics"`
	} `json:"_aws"`
}

func parseLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, l)
		}
		var e emfLine
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line is not EMF: %v\n%s", err, l)
		}
		if e.AWS.Timestamp == 0 || len(e.AWS.CloudWatchMetrics) != 1 {
			t.Fatalf("bad _aws directive: %s", l)
		}
		d := e.AWS.CloudWatchMetrics[0]
		// Every declared dimension and metric must have a top-level member.
		for _, set := range d.Dimensions {
			for _, name := range set {
				if _, ok := m[name].(string); !ok {
					t.Fatalf("dimension %q has no string value in %s", name, l)
				}
			}
		}
		for _, md := range d.Metrics {
			if _, ok := m[md.Name].(float64); !ok {
				t.Fatalf("metric %q has no number in %s", md.Name, l)
			}
		}
		lines = append(lines, m)
	}
	return lines
}

func fixedWriter(buf *bytes.Buffer) *Writer {
	w := New(buf, "Test")
	w.now = func() time.Time { return time.UnixMilli(1_700_000_000_123) }
	return w
}

func TestEmit(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	w.Emit([]Dimension{{"Service", "orders"}, {"Tier", "memory"}}, "Latency", Milliseconds, 12.5)
	want := `{"_aws":{"Timestamp":1700000000123,"CloudWatchMetrics":[{"Namespace":"Test","Dimensions":[["Service","Tier"]],"Metrics":[{"Name":"Latency","Unit":"Milliseconds"}]}]},"Service":"orders","Tier":"memory","Latency":12.5}` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %s\nwant %s", buf.String(), want)
	}
	parseLines(t, buf.String())
}

func TestEmitDropsNonFinite(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	for _, v := range []float64{nan(), inf(1), inf(-1)} {
		w.Emit(nil, "X", None, v)
	}
	if buf.Len() != 0 {
		t.Fatalf("non-finite values must be dropped, got %s", buf.String())
	}
}

func TestCounterIdentity(t *testing.T) {
	w := New(nil, "")
	a := w.Counter("Hits", Dimension{"Service", "s"}, Dimension{"Tier", "memory"})
	b := w.Counter("Hits", Dimension{"Tier", "memory"}, Dimension{"Service", "s"})
	c := w.Counter("Hits", Dimension{"Service", "s"})
	d := w.Counter("Misses", Dimension{"Service", "s"}, Dimension{"Tier", "memory"})
	if a != b {
		t.Fatal("same name and dimension set in another order must return the same counter")
	}
	if a == c || a == d {
		t.Fatal("different dimensions or names must return different counters")
	}
}

func TestFlush(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	svc := Dimension{"Service", "orders"}
	hits := w.Counter("CacheHits", svc, Dimension{"Tier", "memory"})
	misses := w.Counter("CacheMisses", svc, Dimension{"Tier", "memory"})
	inv := w.Counter("Invocations", svc)
	w.Counter("Unused", svc)

	hits.Add(3)
	hits.Add(2)
	misses.Add(1)
	inv.Add(1)
	w.Flush()
	lines := parseLines(t, buf.String())
	if len(lines) != 2 {
		t.Fatalf("want one line per dimension set with data, got %d:\n%s", len(lines), buf.String())
	}
	if lines[0]["CacheHits"] != 5.0 || lines[0]["CacheMisses"] != 1.0 || lines[0]["Tier"] != "memory" {
		t.Fatalf("bad cache line: %v", lines[0])
	}
	if lines[1]["Invocations"] != 1.0 || lines[1]["Unused"] != nil {
		t.Fatalf("bad service line (zero counters must be omitted): %v", lines[1])
	}

	buf.Reset()
	w.Flush()
	if buf.Len() != 0 {
		t.Fatalf("flush must reset counters; second flush wrote %s", buf.String())
	}
}

func TestFlushSplitsAt100Metrics(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	for i := range 250 {
		w.Counter(fmt.Sprintf("M%03d", i), Dimension{"Service", "s"}).Add(int64(i + 1))
	}
	w.Flush()
	lines := parseLines(t, buf.String())
	if len(lines) != 3 {
		t.Fatalf("250 metrics must make 3 lines, got %d", len(lines))
	}
	total := 0
	for _, l := range lines {
		total += len(l) - 2 // minus _aws and Service
	}
	if total != 250 {
		t.Fatalf("want 250 metric values, got %d", total)
	}
}

func TestEscaping(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	odd := "a\"b\\c\nd\x01e\xffé"
	w.Counter("N"+odd, Dimension{"Service", odd}).Add(1)
	w.Emit([]Dimension{{"D" + odd, odd}}, "E"+odd, Count, 1)
	w.Flush()
	lines := parseLines(t, buf.String())
	if lines[1]["Service"] != strings.ToValidUTF8(odd, "\ufffd") || lines[0]["D"+strings.ToValidUTF8(odd, "\ufffd")] == nil {
		t.Fatalf("dimension value not round-tripped: %v", lines)
	}
}

func TestNoDimensions(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	w.Counter("Bare").Add(7)
	w.Flush()
	if !strings.Contains(buf.String(), `"Dimensions":[[]]`) || !strings.Contains(buf.String(), `"Bare":7`) {
		t.Fatalf("unexpected line: %s", buf.String())
	}
	parseLines(t, buf.String())
}

func TestConcurrentAddAndFlush(t *testing.T) {
	var buf bytes.Buffer
	w := fixedWriter(&buf)
	c := w.Counter("Hits", Dimension{"Service", "s"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				c.Add(1)
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			w.Flush()
			w.Counter("Other", Dimension{"Service", "s"}).Add(1)
			w.Emit(nil, "G", None, 1)
		}
	})
	wg.Wait()
	w.Flush()
	var sum float64
	for _, l := range parseLines(t, buf.String()) {
		if v, ok := l["Hits"].(float64); ok {
			sum += v
		}
	}
	if sum != 8000 {
		t.Fatalf("lost or duplicated counts: got %v, want 8000", sum)
	}
}

func TestCounterAddDoesNotAllocate(t *testing.T) {
	c := New(nil, "").Counter("Hits")
	if n := testing.AllocsPerRun(100, func() { c.Add(1) }); n != 0 {
		t.Fatalf("Counter.Add allocates %v times", n)
	}
}

func TestFlushSteadyStateDoesNotAllocate(t *testing.T) {
	w := New(nil, "")
	c := w.Counter("Hits", Dimension{"Service", "s"})
	c.Add(1)
	w.Flush() // warms the reused buffers
	if n := testing.AllocsPerRun(100, func() { c.Add(1); w.Flush() }); n != 0 {
		t.Fatalf("Flush allocates %v times in steady state", n)
	}
}

func TestServiceDimension(t *testing.T) {
	t.Setenv("LIFT_SERVICE", "")
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	if d := ServiceDimension(); d != (Dimension{"Service", "unknown"}) {
		t.Fatalf("got %v", d)
	}
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
	if d := ServiceDimension(); d.Value != "fn" {
		t.Fatalf("got %v", d)
	}
	t.Setenv("LIFT_SERVICE", "orders")
	if d := ServiceDimension(); d.Value != "orders" {
		t.Fatalf("got %v", d)
	}
}

func TestTimestamps(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, "T")
	for _, ms := range []int64{1_700_000_000_005, 1_700_000_000_050, 1_700_000_000_999, 1_700_000_001_000, 1_699_999_999_999, 7, 999, 1000} {
		buf.Reset()
		w.now = func() time.Time { return time.UnixMilli(ms) }
		w.Emit(nil, "X", None, 1)
		var e emfLine
		if err := json.Unmarshal(buf.Bytes(), &e); err != nil || e.AWS.Timestamp != ms {
			t.Fatalf("timestamp %d rendered as %s (%v)", ms, buf.String(), err)
		}
	}
}
