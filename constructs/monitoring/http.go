package monitoring

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// httpMetric is one of the front door's metrics with this monitoring's period.
func (m metricSource) httpMetric(h *HTTPProps, name *string, statistic string) awscloudwatch.Metric {
	return m.custom(*h.Namespace, *name, statistic, *h.Dimensions)
}

// httpSpecs are the front door's alarms. Throttled requests have no metric
// of their own at a front door: an HTTP API answers them 429 (counted in
// 4xx), and Lambda's throttles are the function's Throttles alarm.
func httpSpecs(p *Props, m metricSource) []spec {
	h := p.HTTP
	label := *h.Label
	timeout := p.Timeout
	if h.Timeout != nil {
		timeout = h.Timeout
	}
	timeoutMs := 3000.0
	if timeout != nil {
		timeoutMs = *timeout.ToMilliseconds(nil)
	}
	rate := func(key, what string, metric *string, threshold float64, advice string) spec {
		return spec{
			key:         key,
			description: label + " answers " + what + " to at least %s of requests (counted above 20 a period). " + advice,
			metric: m.expr(label+" "+what+" (%)", "IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / requests, 0)", map[string]awscloudwatch.IMetric{
				"requests": m.httpMetric(h, h.Requests, "Sum"), "errors": m.httpMetric(h, metric, "Sum"),
			}),
			threshold: threshold, periods: 3, datapoints: 3,
		}
	}
	return []spec{
		rate(AlarmHTTP5xxRate, "5xx", h.ServerErrors, 5, "Check the function's errors and the access logs' integrationError."),
		rate(AlarmHTTP4xxRate, "4xx", h.ClientErrors, 25, "Clients are refused: bad requests, auth failures, or 429s from stage throttling."),
		{
			key:         AlarmHTTPLatencyP99,
			description: label + " p99 latency is at least %s of the " + number(timeoutMs) + " ms timeout; requests are about to fail with 5xx.",
			metric: m.expr(label+" p99 latency (% of timeout)", "100 * p99 / "+number(timeoutMs), map[string]awscloudwatch.IMetric{
				"p99": m.httpMetric(h, h.Latency, "p99"),
			}),
			threshold: 80, periods: 3, datapoints: 3,
		},
	}
}

// httpWidgets graph the front door's traffic and latency.
func httpWidgets(h *HTTPProps, m metricSource) []awscloudwatch.IWidget {
	return []awscloudwatch.IWidget{
		graph(*h.Label+": requests, 4xx, 5xx", m.httpMetric(h, h.Requests, "Sum"), m.httpMetric(h, h.ClientErrors, "Sum"), m.httpMetric(h, h.ServerErrors, "Sum")),
		graph(*h.Label+": latency", m.httpMetric(h, h.Latency, "p50"), m.httpMetric(h, h.Latency, "p99")),
	}
}

func validateHTTP(c *propcheck.Collector, h *HTTPProps) {
	if h == nil {
		return
	}
	for _, f := range []struct {
		prop  string
		value *string
	}{{"Label", h.Label}, {"Namespace", h.Namespace}, {"Requests", h.Requests}, {"ServerErrors", h.ServerErrors},
		{"ClientErrors", h.ClientErrors}, {"Latency", h.Latency}} {
		if f.value == nil {
			c.Add("HTTP."+f.prop, f.value, "pass frontdoor.FrontDoor.MonitoringProps(), or set every metric name")
		}
	}
	if h.Dimensions == nil {
		c.Add("HTTP.Dimensions", h.Dimensions, "pass the front door's metric dimensions")
	}
}
