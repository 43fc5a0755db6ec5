// Package metrics writes CloudWatch Embedded Metric Format (EMF) log lines.
//
// It makes no API calls: Lambda ships every stdout line to CloudWatch Logs,
// and CloudWatch extracts metrics from the lines that carry an "_aws"
// directive. Counters are the hot-path tool: libraries create them once at
// init with Writer.Counter and call Counter.Add (atomic, no allocation) per
// event; lift.Start calls Default().Flush() after every invocation and at
// shutdown, which writes one line per dimension set with the non-zero counts.
// Emit writes a single value immediately (durations, gauges).
//
// A Writer is safe for concurrent use.
package metrics
