// Package warmer keeps a set of Lambda functions warm: it invokes each target's
// alias or version with a warm-up event, reads the instance id each response
// carries, and counts the distinct execution environments that answered.
//
// # Why parallel invokes alone are not enough
//
// Lambda sends an invocation to an idle environment when it has one and only
// creates a new environment when every existing one is busy. N parallel
// warm-up invokes therefore reach N environments only if they overlap: when one
// invocation finishes before a sibling arrives, the sibling reuses its
// environment and the response repeats an instance id already seen. Common
// warmers fire N invokes and hope; this one measures.
//
// Two things make the count reach N:
//
//   - Hold: every warm-up event asks the runtime (runtime/lift) to stay busy for
//     HoldMs, so the invokes of one wave overlap even when they are dispatched
//     a little apart or some of them pay a cold start.
//   - Retry of the shortfall: when fewer than N distinct ids answered, the
//     warmer sends another wave with a doubled hold (bounded by
//     lift.MaxWarmupHold), within the run's budget and deadline. The retry
//     wave is a full wave of N, not just the missing part: environments already
//     warm are idle again and would absorb a smaller wave, so they must be kept
//     busy while the extra invokes force new environments.
//
// A throttled wave is not retried: throttling means the function's concurrency
// limit is reached and more invokes cannot add environments.
//
// # Bounded work
//
// All waves of all targets share one weighted semaphore of Parallelism slots.
// A wave takes as many slots as invokes it sends, at once, so a target's
// invokes always run together (overlap is the point) and hundreds of targets
// queue fairly instead of opening thousands of connections. Every invoke has
// its own timeout, and no wave starts once the budget or the invocation's
// deadline leaves too little time for it.
//
// The package never imports the CDK; the warmer Lambda (cmd/lift-warmer) wires
// it to the AWS SDK's Lambda client, tests wire it to a fake Invoker.
package warmer
