// Package lift runs a Go Lambda handler with Lift's lifecycle.
//
//	func main() {
//		lift.Start(handle,
//			lift.OnWarmup("db", db.Ping),
//			lift.WithHealthCheck("db", db.Ping),
//			lift.OnShutdown("db", db.Close),
//		)
//	}
//
// Control events. A payload whose top-level member "lift" is "warmup" or
// "health" is answered by the runtime and never reaches the handler. It is
// recognised from the raw bytes (a vectorised search for `"lift"`, then a
// scan of the top-level members only), so ordinary events pay one
// bytes.Contains and are decoded once, by aws-lambda-go, into the handler's
// type.
//
// Warm-up ({"lift":"warmup","holdMs":N,"round":"r","token":"t"}): runs the
// OnWarmup hooks once per process, reports health to the HealthReporter,
// stays busy until holdMs (at most MaxWarmupHold, UnauthenticatedWarmupHold
// without a valid token) has passed since the invocation started, but never
// past its deadline, and answers a WarmupResponse with the instance id, the
// cold-start flag and the hook timings. Warm-ups count only in the Warmups
// metric.
//
// Health ({"lift":"health"}): runs every check concurrently, each under its
// own timeout, and answers a health.Response (IETF health-check draft) with
// each check's name and status; error text goes to the log only.
//
// Authentication: a control event whose "token" hashes (SHA-256) to
// $LIFT_CONTROL_TOKEN_SHA256 is authenticated. With LIFT_CONTROL_AUTH=required
// the others are refused; with optional (the default) they are answered with
// the hold capped.
//
// Cold start: true for the first invocation of an on-demand init only, via
// ColdStart(ctx), the coldStart log field, and the ColdStart metric. The
// metric counts cold starts that business invocations paid; a warm-up that
// absorbed the cold start reports it in its response instead.
//
// Shutdown, panics, logs and metrics: see Start, Handler.Shutdown and Logger.
package lift
