package monitoring

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

// spec describes one alarm before overrides are applied.
type spec struct {
	key         string // one of the Alarm* keys; its unit is units[key]
	suffix      string // target or node, for alarms made once per target or node
	description string // a format whose one %s is the threshold used, with its unit
	metric      awscloudwatch.IMetric
	threshold   float64
	below       bool // breach when the value is below the threshold
	periods     float64
	datapoints  float64
}

func functionSpecs(p *Props, m metricSource) []spec {
	fn := p.Function
	timeoutMs := 3000.0
	if p.Timeout != nil {
		timeoutMs = *p.Timeout.ToMilliseconds(nil)
	}
	specs := []spec{{
		key:         AlarmErrorRate,
		description: "Function errors are at least %s of invocations. Check the function's logs for errorType.",
		metric: m.expr("Error rate (%)", "IF(invocations - FILL(warmups, 0) > 0, 100 * errors / (invocations - FILL(warmups, 0)), 0)", map[string]awscloudwatch.IMetric{
			"errors": fn.MetricErrors(m.options("Sum")), "invocations": fn.MetricInvocations(m.options("Sum")),
			"warmups": m.lift(contract.MetricWarmups, "Sum"),
		}),
		threshold: 5, periods: 3, datapoints: 3,
	}, {
		key:         AlarmThrottles,
		description: "At least %s invocations a period are throttled. Raise reserved concurrency or the account limit, or add provisioned concurrency.",
		metric:      fn.MetricThrottles(m.options("Sum")),
		threshold:   1, periods: 3, datapoints: 2,
	}, {
		key:         AlarmDurationP99,
		description: "p99 duration is at least %s of the " + number(timeoutMs) + " ms timeout; requests are about to time out.",
		metric: m.expr("p99 duration (% of timeout)", "100 * p99 / "+number(timeoutMs), map[string]awscloudwatch.IMetric{
			"p99": fn.MetricDuration(m.options("p99")),
		}),
		threshold: 80, periods: 3, datapoints: 3,
	}}
	if p.ReservedConcurrency != nil {
		specs = append(specs, spec{
			key:         AlarmConcurrency,
			description: "Concurrent executions reach %s of the reserved " + number(*p.ReservedConcurrency) + "; throttling is next.",
			metric: m.expr("Concurrency (% of reserved)", "100 * concurrent / "+number(*p.ReservedConcurrency), map[string]awscloudwatch.IMetric{
				"concurrent": fn.Metric(jsii.String("ConcurrentExecutions"), m.options("Maximum")),
			}),
			threshold: 90, periods: 3, datapoints: 3,
		})
	}
	if alias := p.ProvisionedAlias; alias != nil {
		specs = append(specs, spec{
			key:         AlarmProvisionedSpill,
			description: "At least %s invocations a period spill over provisioned concurrency onto on-demand (cold) environments. Raise provisioned concurrency or its scaling maximum.",
			metric:      alias.Metric(jsii.String("ProvisionedConcurrencySpilloverInvocations"), m.options("Sum")),
			threshold:   1, periods: 3, datapoints: 3,
		}, spec{
			key:         AlarmProvisionedUtil,
			description: "Provisioned concurrency is at least %s used (Maximum statistic); scaling is not keeping up.",
			metric: m.expr("Provisioned concurrency used (%)", "100 * util", map[string]awscloudwatch.IMetric{
				"util": alias.Metric(jsii.String("ProvisionedConcurrencyUtilization"), m.options("Maximum")),
			}),
			threshold: 95, periods: 3, datapoints: 3,
		})
	}
	return specs
}

func runtimeSpecs(p *Props, m metricSource) []spec {
	specs := []spec{{
		key:         AlarmColdStartRate,
		description: "At least %s of business invocations (Lambda invocations minus warm-ups) start cold, counted above 20 a period. Add pre-warming or provisioned concurrency.",
		// Business invocations are Lambda's invocations minus Lift's warm-ups.
		metric: m.expr("Cold-start rate (%)", "IF(invocations - FILL(warmups, 0) >= 20, 100 * FILL(cold, 0) / (invocations - FILL(warmups, 0)), 0)", map[string]awscloudwatch.IMetric{
			"cold":        m.lift(contract.MetricColdStart, "Sum"),
			"invocations": p.Function.MetricInvocations(m.options("Sum")),
			"warmups":     m.lift(contract.MetricWarmups, "Sum"),
		}),
		threshold: 20, periods: 3, datapoints: 3,
	}, {
		key:         AlarmHealthFailing,
		description: "At least %s health reports a period fail. Invoke the function with {\"lift\":\"health\"} to see which check fails.",
		metric:      m.lift(contract.MetricHealthFailed, "Sum"),
		threshold:   1, periods: 2, datapoints: 2,
	}}
	if tier := p.CacheTier; tier != nil {
		specs = append(specs, spec{
			key:         AlarmCacheHitRatio,
			description: "Fewer than %s of cache lookups are served by the memory or " + *tier + " tier (counted above 100 lookups a period). Check TTLs and key design.",
			metric: m.expr("Cache hit ratio (%)", "IF(FILL(memHits, 0) + FILL(memMisses, 0) >= 100, 100 * (FILL(memHits, 0) + FILL(l2Hits, 0)) / (FILL(memHits, 0) + FILL(memMisses, 0)), 100)", map[string]awscloudwatch.IMetric{
				"memHits":   m.lift(contract.MetricCacheHits, "Sum", contract.DimTier, contract.TierMemory),
				"memMisses": m.lift(contract.MetricCacheMisses, "Sum", contract.DimTier, contract.TierMemory),
				"l2Hits":    m.lift(contract.MetricCacheHits, "Sum", contract.DimTier, *tier),
			}),
			threshold: 50, below: true, periods: 3, datapoints: 3,
		}, spec{
			key:         AlarmCacheL2Errors,
			description: "The " + *tier + " cache tier fails at least %s times a period; requests fall back to the loader. Check the cache's health and the function's network path.",
			metric:      m.lift(contract.MetricCacheErrors, "Sum", contract.DimTier, *tier),
			threshold:   10, periods: 3, datapoints: 2,
		})
	}
	if p.DiscoveryTargets != nil {
		for _, target := range *p.DiscoveryTargets {
			specs = append(specs, discoverySpecs(m, *target)...)
		}
	}
	if p.WarmerTarget != nil {
		specs = append(specs, spec{
			key:         AlarmWarmerShortfall,
			description: "The warmer reached at least %s environments fewer than asked. Check the warmer's logs and the target's concurrency limits.",
			metric:      m.warmer(contract.MetricWarmerShortfall, *p.WarmerTarget),
			threshold:   1, periods: 2, datapoints: 2,
		})
	}
	return specs
}

func discoverySpecs(m metricSource, t string) []spec {
	return []spec{{
		key: AlarmDiscoveryErrors, suffix: t,
		description: "At least %s of calls to " + t + " fail (counted above 10 calls a period).",
		metric: m.expr("Errors calling "+t+" (%)", "IF(FILL(calls, 0) >= 10, 100 * FILL(errors, 0) / calls, 0)", map[string]awscloudwatch.IMetric{
			"calls":  m.lift(contract.MetricDiscoveryCalls, "Sum", contract.DimTarget, t),
			"errors": m.lift(contract.MetricDiscoveryErrors, "Sum", contract.DimTarget, t),
		}),
		threshold: 5, periods: 3, datapoints: 2,
	}, {
		key: AlarmBreakerOpen, suffix: t,
		description: "Circuit breakers towards " + t + " refuse at least %s calls a period.",
		metric:      m.lift(contract.MetricBreakerOpen, "Sum", contract.DimTarget, t),
		threshold:   1, periods: 3, datapoints: 2,
	}}
}

func tableSpecs(table awsdynamodb.ITable, m metricSource) []spec {
	ops := &awsdynamodb.OperationsMetricOptions{
		Operations: &[]awsdynamodb.Operation{awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_PUT_ITEM, awsdynamodb.Operation_DELETE_ITEM},
		Period:     m.period,
	}
	sysOps := &awsdynamodb.SystemErrorsForOperationsMetricOptions{
		Operations: &[]awsdynamodb.Operation{awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_PUT_ITEM, awsdynamodb.Operation_DELETE_ITEM},
		Period:     m.period,
	}
	return []spec{{
		key:         AlarmDynamoDBThrottles,
		description: "The cache table throttles at least %s requests a period.",
		metric:      table.MetricThrottledRequestsForOperations(ops),
		threshold:   1, periods: 3, datapoints: 2,
	}, {
		key:         AlarmDynamoDBErrors,
		description: "DynamoDB returns at least %s system errors a period for the cache table.",
		metric:      table.MetricSystemErrorsForOperations(sysOps),
		threshold:   1, periods: 3, datapoints: 2,
	}}
}

func elastiCacheSpecs(e *ElastiCacheProps, m metricSource) []spec {
	const ns = "AWS/ElastiCache"
	var specs []spec
	if name := e.ServerlessCacheName; name != nil {
		dims := map[string]*string{"clusterId": name}
		specs = append(specs, spec{
			key: AlarmCacheThrottledCmds, description: "The serverless cache throttles at least %s commands a period while it scales.",
			metric:    m.custom(ns, "ThrottledCmds", "Sum", dims),
			threshold: 1, periods: 3, datapoints: 2,
		}, spec{
			key: AlarmCacheEvictions, description: "The cache evicts at least %s keys a period: it is full.",
			metric:    m.custom(ns, "Evictions", "Sum", dims),
			threshold: 1000, periods: 3, datapoints: 3,
		}, spec{
			key: AlarmCacheConnections, description: "At least %s client connections: they approach the cache's limit.",
			metric:    m.custom(ns, "CurrConnections", "Maximum", dims),
			threshold: 50000, periods: 3, datapoints: 3,
		})
		if e.MaxECPUPerSecond != nil {
			seconds := *m.period.ToSeconds(nil)
			specs = append(specs, spec{
				key: AlarmCacheECPU, description: "ECPU use reaches %s of the " + number(*e.MaxECPUPerSecond) + " per second limit.",
				metric: m.expr("ECPU (% of limit)", "100 * ecpu / "+number(seconds)+" / "+number(*e.MaxECPUPerSecond), map[string]awscloudwatch.IMetric{
					"ecpu": m.custom(ns, "ElastiCacheProcessingUnits", "Sum", dims),
				}),
				threshold: 80, periods: 3, datapoints: 3,
			})
		}
		if e.MaxDataStorageGB != nil {
			specs = append(specs, spec{
				key: AlarmCacheMemory, description: "Stored data reaches %s of the " + number(*e.MaxDataStorageGB) + " GB limit.",
				metric: m.expr("Storage (% of limit)", "100 * bytes / "+number(*e.MaxDataStorageGB*1e9), map[string]awscloudwatch.IMetric{
					"bytes": m.custom(ns, "BytesUsedForCache", "Maximum", dims),
				}),
				threshold: 80, periods: 3, datapoints: 3,
			})
		}
	}
	if e.NodeIDs != nil {
		for _, node := range *e.NodeIDs {
			dims := map[string]*string{"CacheClusterId": node}
			n := *node
			specs = append(specs, spec{
				key: AlarmCacheCPU, suffix: n, description: "Engine CPU of cache node " + n + " is at least %s.",
				metric:    m.custom(ns, "EngineCPUUtilization", "Average", dims),
				threshold: 80, periods: 3, datapoints: 3,
			}, spec{
				key: AlarmCacheMemory, suffix: n, description: "Memory use of cache node " + n + " is at least %s.",
				metric:    m.custom(ns, "DatabaseMemoryUsagePercentage", "Maximum", dims),
				threshold: 90, periods: 3, datapoints: 3,
			}, spec{
				key: AlarmCacheEvictions, suffix: n, description: "Cache node " + n + " evicts at least %s keys a period: it is full.",
				metric:    m.custom(ns, "Evictions", "Sum", dims),
				threshold: 1000, periods: 3, datapoints: 3,
			}, spec{
				key: AlarmCacheConnections, suffix: n, description: "At least %s client connections to cache node " + n + ": they approach the limit.",
				metric:    m.custom(ns, "CurrConnections", "Maximum", dims),
				threshold: 50000, periods: 3, datapoints: 3,
			})
		}
	}
	return specs
}

// number renders v for a metric math expression, which does not accept
// exponent notation (%g would write 5e+09).
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// defaultPeriod is the evaluation period when Props.Period is unset.
func defaultPeriod() awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(5)) }
