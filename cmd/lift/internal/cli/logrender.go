package cli

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// logLine is one function log line, parsed for rendering.
type logLine struct {
	Time      time.Time      `json:"time,omitzero"`
	Level     string         `json:"level,omitempty"` // DEBUG, INFO, WARN, ERROR; "" for platform lines
	Message   string         `json:"message"`
	RequestID string         `json:"requestId,omitempty"`
	Fields    map[string]any `json:"fields,omitempty"`
	// Metrics holds an EMF line's values: metric name to value.
	Metrics map[string]any `json:"metrics,omitempty"`
}

var (
	rieLine    = regexp.MustCompile(`^\d\d \w{3} \d{4} [\d:,]+ \[\w+\] \(rapid\)`)
	reportLine = regexp.MustCompile(`^REPORT RequestId: (\S+)\s+(.*)$`)
)

// parseLogLine reads one line of a function's log: Lift's JSON records, EMF
// metric lines and Lambda's REPORT lines are kept; the emulator's own
// chatter and START/END lines are dropped (ok false).
func parseLogLine(raw string, at time.Time) (logLine, bool) {
	raw = strings.TrimRight(raw, "\r\n")
	switch {
	case raw == "", rieLine.MatchString(raw), strings.HasPrefix(raw, "START RequestId:"), strings.HasPrefix(raw, "END RequestId:"):
		return logLine{}, false
	case strings.HasPrefix(raw, "REPORT RequestId:"):
		m := reportLine.FindStringSubmatch(raw)
		if m == nil {
			return logLine{Time: at, Message: raw}, true
		}
		return logLine{Time: at, Message: "REPORT " + strings.Join(strings.Fields(strings.ReplaceAll(m[2], "\t", "  ")), " "), RequestID: m[1]}, true
	}
	var rec map[string]any
	if json.Unmarshal([]byte(raw), &rec) != nil {
		return logLine{Time: at, Message: raw}, true
	}
	if aws, ok := rec["_aws"].(map[string]any); ok {
		return emfLine(rec, aws, at), true
	}
	l := logLine{Time: at, Fields: map[string]any{}}
	for k, v := range rec {
		switch k {
		case "time":
			if s, ok := v.(string); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					l.Time = t
				}
			}
		case "level":
			l.Level, _ = v.(string)
		case "msg":
			l.Message, _ = v.(string)
		case "requestId":
			l.RequestID, _ = v.(string)
		case "instanceId", "service":
			// the same on every line of an environment
		default:
			l.Fields[k] = v
		}
	}
	return l, true
}

// emfLine summarises an Embedded Metric Format record: its metrics and
// dimension values, without the _aws envelope.
func emfLine(rec, aws map[string]any, at time.Time) logLine {
	l := logLine{Time: at, Level: "METRIC", Metrics: map[string]any{}, Fields: map[string]any{}}
	if ts, ok := aws["Timestamp"].(float64); ok {
		l.Time = time.UnixMilli(int64(ts)).UTC()
	}
	names := map[string]bool{}
	if cms, ok := aws["CloudWatchMetrics"].([]any); ok {
		for _, cm := range cms {
			ms, _ := cm.(map[string]any)["Metrics"].([]any)
			for _, m := range ms {
				if n, ok := m.(map[string]any)["Name"].(string); ok {
					names[n] = true
				}
			}
		}
	}
	for k, v := range rec {
		switch {
		case k == "_aws":
		case names[k]:
			l.Metrics[k] = v
		default:
			l.Fields[k] = v
		}
	}
	return l
}

// levelRank orders levels for --level; platform lines rank as INFO.
func levelRank(level string) int {
	switch strings.ToUpper(level) {
	case "DEBUG":
		return 0
	case "WARN", "WARNING":
		return 2
	case "ERROR":
		return 3
	default: // INFO, METRIC, platform lines
		return 1
	}
}

// render formats a line for people: time, level, message, fields, request id.
func (l logLine) render() string {
	var b strings.Builder
	if !l.Time.IsZero() {
		b.WriteString(l.Time.UTC().Format("15:04:05.000") + " ")
	}
	level := l.Level
	if level == "" {
		level = "-"
	}
	fmt.Fprintf(&b, "%-6s ", level)
	if l.Metrics != nil {
		b.WriteString(kv(l.Metrics))
		if len(l.Fields) > 0 {
			b.WriteString("  " + kv(l.Fields))
		}
		return b.String()
	}
	b.WriteString(l.Message)
	if len(l.Fields) > 0 {
		b.WriteString("  " + kv(l.Fields))
	}
	if l.RequestID != "" {
		b.WriteString("  [" + l.RequestID + "]")
	}
	return b.String()
}

func kv(m map[string]any) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v) // decoded from JSON: marshals back
			s = string(b)
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, " ")
}
