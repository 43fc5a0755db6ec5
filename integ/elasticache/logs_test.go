package elasticache

import (
	"encoding/json"
	"strings"

	"github.com/liftcdk/lift/internal/contract"
)

// failOpenMessage is what runtime/cache logs, at most once per interval, while
// an L2 tier is failing.
const failOpenMessage = "cache tier unavailable, failing open"

// tierCounts sums one tier's cache metrics over the EMF lines in logs. A
// metric counts only when the line's CloudWatchMetrics declares it, as
// CloudWatch itself would extract it.
type tierCounts struct{ Hits, Misses, Errors, Lines int }

func emfCounts(logs, tier string) tierCounts {
	var c tierCounts
	for _, line := range strings.Split(logs, "\n") {
		i := strings.Index(line, `{"_aws"`)
		if i < 0 {
			continue
		}
		var doc map[string]any
		if json.Unmarshal([]byte(line[i:]), &doc) != nil || doc[contract.DimTier] != tier {
			continue
		}
		declared := declaredMetrics(doc)
		add := func(name string, dst *int) {
			if v, ok := doc[name].(float64); ok && declared[name] {
				*dst += int(v)
			}
		}
		add(contract.MetricCacheHits, &c.Hits)
		add(contract.MetricCacheMisses, &c.Misses)
		add(contract.MetricCacheErrors, &c.Errors)
		c.Lines++
	}
	return c
}

func declaredMetrics(doc map[string]any) map[string]bool {
	out := map[string]bool{}
	aws, _ := doc["_aws"].(map[string]any)
	defs, _ := aws["CloudWatchMetrics"].([]any)
	for _, d := range defs {
		ms, _ := d.(map[string]any)["Metrics"].([]any)
		for _, m := range ms {
			if name, ok := m.(map[string]any)["Name"].(string); ok {
				out[name] = true
			}
		}
	}
	return out
}

// failOpenLines counts the fail-open warnings for tier in logs, whether the
// attributes arrive as JSON fields or, as when runtime/cache's logger is the
// slog default captured before lift.Start installs its JSON handler,
// flattened into the message text ("... tier=valkey op=get ...").
func failOpenLines(logs, tier string) []string {
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		i := strings.Index(line, "{")
		if i < 0 || !strings.Contains(line, failOpenMessage) {
			continue
		}
		var doc map[string]any
		if json.Unmarshal([]byte(line[i:]), &doc) != nil {
			continue
		}
		msg, _ := doc["msg"].(string)
		if doc["tier"] == tier || strings.Contains(msg, " tier="+tier+" ") {
			out = append(out, line[i:])
		}
	}
	return out
}
