package metrics

import (
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/jsonenc"
)

// Unit is a CloudWatch metric unit.
type Unit string

// Units accepted by CloudWatch that Lift uses.
const (
	Count        Unit = "Count"
	Milliseconds Unit = "Milliseconds"
	Microseconds Unit = "Microseconds"
	Seconds      Unit = "Seconds"
	Bytes        Unit = "Bytes"
	Percent      Unit = "Percent"
	None         Unit = "None"
)

// maxMetricsPerDirective is EMF's limit on metrics in one directive.
const maxMetricsPerDirective = 100

// Dimension is one CloudWatch dimension (name and value).
type Dimension struct{ Name, Value string }

// Writer writes EMF lines to an io.Writer under one namespace.
type Writer struct {
	namespace string
	now       func() time.Time

	// dirty is set by Counter.Add and cleared by Flush, so a flush after an
	// invocation that counted nothing costs one atomic load.
	dirty atomic.Bool

	mu       sync.Mutex // guards out, buf, sets, counters, tsSec, tsDigits
	out      io.Writer
	buf      []byte
	tsSec    int64  // the second tsDigits renders
	tsDigits []byte // decimal digits of tsSec: timestamps within a second share them
	sets     []*dimensionSet
	counters map[string]*Counter
}

// New returns a Writer that writes EMF lines to out under namespace.
// A nil out discards everything (useful in tests and benchmarks).
func New(out io.Writer, namespace string) *Writer {
	if out == nil {
		out = io.Discard
	}
	if namespace == "" {
		namespace = contract.MetricsNamespace
	}
	return &Writer{
		namespace: namespace,
		now:       time.Now,
		out:       out,
		counters:  make(map[string]*Counter),
	}
}

var defaultWriter = sync.OnceValue(func() *Writer {
	return New(os.Stdout, os.Getenv(contract.EnvMetricsNamespace))
})

// Default returns the process-wide Writer: stdout, namespace
// "Lift" unless $LIFT_METRICS_NAMESPACE overrides it.
func Default() *Writer { return defaultWriter() }

// ServiceDimension returns the Service dimension every runtime metric carries:
// $LIFT_SERVICE, else $AWS_LAMBDA_FUNCTION_NAME, else "unknown" (CloudWatch
// drops dimensions with empty values, which would silently merge services).
func ServiceDimension() Dimension {
	v := os.Getenv(contract.EnvService)
	if v == "" {
		v = os.Getenv("AWS_LAMBDA_FUNCTION_NAME")
	}
	if v == "" {
		v = "unknown"
	}
	return Dimension{Name: contract.DimService, Value: v}
}

// Emit writes one EMF line with a single value now. Non-finite values (NaN,
// ±Inf) are not representable in JSON and are dropped.
func (w *Writer) Emit(dims []Dimension, name string, unit Unit, value float64) {
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return
	}
	dims = canonical(dims)
	w.mu.Lock()
	defer w.mu.Unlock()
	b := append(w.buf[:0], `{"_aws":{"Timestamp":`...)
	b = w.appendTimestamp(b, w.now().UnixMilli())
	b = w.appendDirective(b, dims)
	b = appendMetricDef(b, name, unit)
	b = append(b, "]}]}"...)
	b = appendDimensionValues(b, dims)
	b = append(b, ',')
	b = jsonenc.AppendString(b, name)
	b = append(b, ':')
	b = strconv.AppendFloat(b, value, 'f', -1, 64)
	b = append(b, "}\n"...)
	w.buf = b
	_, _ = w.out.Write(b) // nowhere to report a lost log line; Lambda's stdout does not fail
}

// Counter returns the counter for name and dims, creating it on first use.
// The same name and dimension set (in any order) always returns the same
// *Counter, so call it once at init and keep the result.
func (w *Writer) Counter(name string, dims ...Dimension) *Counter {
	dims = canonical(dims)
	key := counterKey(name, dims)
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.counters[key]; ok {
		return c
	}
	set := w.setFor(dims)
	c := &Counter{
		dirty:      &w.dirty,
		name:       name,
		definition: appendMetricDef(nil, name, Count),
		valueKey:   append(jsonenc.AppendString([]byte{','}, name), ':'),
	}
	set.counters = append(set.counters, c)
	w.counters[key] = c
	return c
}

// Flush writes the accumulated non-zero counters, one line per dimension set
// (split every 100 metrics, EMF's limit), and resets them to zero. It writes
// nothing when every counter is zero.
func (w *Writer) Flush() {
	if !w.dirty.Load() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	// Cleared before the counters are read: an Add racing with this flush
	// marks the writer dirty again and is written by the next flush.
	w.dirty.Store(false)
	b := w.buf[:0]
	var ts int64
	for _, set := range w.sets {
		set.pending = set.pending[:0]
		for _, c := range set.counters {
			if c.v.Load() == 0 { // a plain load: most counters are idle most flushes
				continue
			}
			if v := c.v.Swap(0); v != 0 {
				set.pending = append(set.pending, pendingValue{c, v})
			}
		}
		for start := 0; start < len(set.pending); start += maxMetricsPerDirective {
			chunk := set.pending[start:min(start+maxMetricsPerDirective, len(set.pending))]
			if ts == 0 {
				ts = w.now().UnixMilli()
			}
			b = append(b, `{"_aws":{"Timestamp":`...)
			b = w.appendTimestamp(b, ts)
			b = append(b, set.directive...)
			for i, p := range chunk {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, p.c.definition...)
			}
			b = append(b, "]}]}"...)
			b = append(b, set.values...)
			for _, p := range chunk {
				b = append(b, p.c.valueKey...)
				b = strconv.AppendInt(b, p.v, 10)
			}
			b = append(b, "}\n"...)
		}
	}
	w.buf = b
	if len(b) > 0 {
		_, _ = w.out.Write(b)
	}
}

// appendTimestamp appends ms (Unix milliseconds) in decimal, reusing the
// digits of the current second: flushes come many per second under load and
// formatting a 13-digit number is a good part of a flush. Callers hold w.mu.
func (w *Writer) appendTimestamp(b []byte, ms int64) []byte {
	if ms < 1000 {
		return strconv.AppendInt(b, ms, 10)
	}
	if sec := ms / 1000; sec != w.tsSec || w.tsDigits == nil {
		w.tsSec = sec
		w.tsDigits = strconv.AppendInt(w.tsDigits[:0], sec, 10)
	}
	r := ms % 1000
	return append(append(b, w.tsDigits...), byte('0'+r/100), byte('0'+r/10%10), byte('0'+r%10))
}

// setFor returns the dimension set for dims, creating it. Callers hold w.mu.
func (w *Writer) setFor(dims []Dimension) *dimensionSet {
	for _, s := range w.sets {
		if slices.Equal(s.dims, dims) {
			return s
		}
	}
	s := &dimensionSet{
		dims:      dims,
		directive: w.appendDirective(nil, dims),
		values:    appendDimensionValues(nil, dims),
	}
	w.sets = append(w.sets, s)
	return s
}

// appendDirective appends everything between the timestamp and the first
// metric definition: `,"CloudWatchMetrics":[{"Namespace":..,"Dimensions":[[..]],"Metrics":[`.
func (w *Writer) appendDirective(b []byte, dims []Dimension) []byte {
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":`...)
	b = jsonenc.AppendString(b, w.namespace)
	b = append(b, `,"Dimensions":[[`...)
	for i, d := range dims {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, d.Name)
	}
	return append(b, `]],"Metrics":[`...)
}

func appendMetricDef(b []byte, name string, unit Unit) []byte {
	b = append(b, `{"Name":`...)
	b = jsonenc.AppendString(b, name)
	b = append(b, `,"Unit":`...)
	b = jsonenc.AppendString(b, string(unit))
	return append(b, '}')
}

// appendDimensionValues appends `,"Name":"Value"` for each dimension: EMF reads
// dimension values from top-level members of the same line.
func appendDimensionValues(b []byte, dims []Dimension) []byte {
	for _, d := range dims {
		b = append(b, ',')
		b = jsonenc.AppendString(b, d.Name)
		b = append(b, ':')
		b = jsonenc.AppendString(b, d.Value)
	}
	return b
}

// canonical returns dims sorted by name with duplicate names collapsed (the
// last value wins), so a dimension set is identified regardless of order.
func canonical(dims []Dimension) []Dimension {
	if len(dims) == 0 {
		return nil
	}
	out := make([]Dimension, 0, len(dims))
	for _, d := range dims {
		if i := slices.IndexFunc(out, func(o Dimension) bool { return o.Name == d.Name }); i >= 0 {
			out[i].Value = d.Value
			continue
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b Dimension) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func counterKey(name string, dims []Dimension) string {
	var sb strings.Builder
	sb.WriteString(name)
	for _, d := range dims {
		sb.WriteByte(0)
		sb.WriteString(d.Name)
		sb.WriteByte(0)
		sb.WriteString(d.Value)
	}
	return sb.String()
}
