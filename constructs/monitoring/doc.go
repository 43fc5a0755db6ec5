// Package monitoring provisions CloudWatch alarms, a composite alarm and a
// dashboard for one Lift service: its Lambda function, the runtime's Embedded
// Metric Format metrics (cold starts, health, cache, discovery, warmer) and its
// cache tier.
//
// Alarms are tuned to wake someone only when something is really wrong: rates
// instead of raw counts, a minimum volume before a rate can breach, and
// several datapoints before an alarm fires. Individual alarms carry no actions
// by default; the service's composite alarm notifies, so one incident sends one
// message. Every alarm can be re-tuned or disabled by its key.
package monitoring
