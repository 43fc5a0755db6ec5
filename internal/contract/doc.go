// Package contract holds the names and shapes that Lift's two halves share: the
// environment variables the constructs set and the runtime reads, the control
// events the runtime answers, and the metric namespace, names and dimensions that
// the runtime emits and the alarms watch. Standard library only.
package contract
