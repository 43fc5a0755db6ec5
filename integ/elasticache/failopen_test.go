package elasticache

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

const (
	// outageInvocations is how many requests run while the server is down.
	outageInvocations = 24
	// sharedWithin bounds the attempts to see a value written by one process
	// read by the other through Valkey: after the server returns, the client
	// must reconnect first; on a loaded machine a call can also overrun the
	// deployed L2 budget and fall back to the loader, which is fail-open
	// behaving as designed, so a fresh key is tried.
	sharedWithin  = 30 * time.Second
	invokeTimeout = 20 * time.Second
)

// greeting is the handler's answer; errorMessage is set on a function error.
type greeting struct {
	Message      string    `json:"message"`
	ComputedAt   time.Time `json:"computedAt"`
	ErrorMessage string    `json:"errorMessage"`
}

type instance struct {
	name string
	rie  *localsvc.RIE
}

func (in instance) invoke(ctx context.Context, name string) (greeting, time.Duration, error) {
	payload, _ := json.Marshal(map[string]string{"name": name})
	ctx, cancel := context.WithTimeout(ctx, invokeTimeout)
	defer cancel()
	body, latency, err := in.rie.Invoke(ctx, payload)
	if err != nil {
		return greeting{}, latency, fmt.Errorf("%s: %w", in.name, err)
	}
	var g greeting
	if err := json.Unmarshal(body, &g); err != nil {
		return greeting{}, latency, fmt.Errorf("%s: response %s: %w", in.name, body, err)
	}
	if g.ErrorMessage != "" || g.Message != "Hello, "+name+"!" || g.ComputedAt.IsZero() {
		return g, latency, fmt.Errorf("%s: name %q: function answered %s", in.name, name, body)
	}
	return g, latency, nil
}

func (in instance) mustInvoke(t *testing.T, name string) greeting {
	t.Helper()
	g, _, err := in.invoke(context.Background(), name)
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, in.rie.Logs())
	}
	return g
}

// failOpen runs the deployed function as two instances against the cache
// stand-in: miss then hits (memory, then Valkey across the two processes),
// the server stopped mid-run with zero failed invocations and a health
// answer of warn, then restarted on the same port, used again, and healthy.
func failOpen(t *testing.T, c *localcloud.Cloud, fn localcloud.Function) {
	valkey := c.CacheStandIn()
	// Two processes of the same function sharing the cache, as two Lambda
	// execution environments do: B's memory tier never saw A's values.
	// Emulate runs them with the deployed environment, minus what the
	// stand-in cannot be (IAM auth; its CA is a local one).
	start := func(name string) instance { return instance{name, testsvc.Emulate(t, c, fn, nil).RIE} }
	a, b := start("A"), start("B")

	// 1. A misses and loads, A hits memory, B (empty memory) hits Valkey.
	phase := time.Now()
	first, attempts := sharedThroughValkey(t, a, b, "Ada")
	waitFor(t, "B's EMF output to count a Valkey hit", func() bool {
		return emfCounts(b.rie.Logs(), contract.TierValkey).Hits >= 1
	}, b)
	t.Logf("phase 1 (A miss, A memory hit, B Valkey hit): %s, %d attempt(s), L2 budget %s=%s",
		time.Since(phase).Round(time.Millisecond), attempts, contract.EnvCacheTimeout, fn.Env[contract.EnvCacheTimeout])

	// 2. Outage: every request must still be answered.
	if err := valkey.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	logMark := map[string]int{a.name: len(a.rie.Logs()), b.name: len(b.rie.Logs())}
	var failures []string
	var latencies []time.Duration
	loaded := map[string]int{}
	for i := range outageInvocations {
		in := []instance{a, b}[i%2]
		name := fmt.Sprintf("Outage%02d", i)
		if i%6 == 5 {
			name = first.name // known to both memory tiers: still answered from memory
		}
		g, latency, err := in.invoke(context.Background(), name)
		latencies = append(latencies, latency)
		if err != nil {
			failures = append(failures, err.Error())
			continue
		}
		if name != first.name {
			if g.ComputedAt.Before(stopped) {
				t.Errorf("%s: %s computed at %s, before the server stopped at %s: not from the loader", in.name, name, g.ComputedAt, stopped)
			}
			loaded[in.name]++
		} else if !g.ComputedAt.Equal(first.ComputedAt) {
			t.Errorf("%s: %s recomputed during the outage (%s, cached %s): the memory tier should still serve it", in.name, name, g.ComputedAt, first.ComputedAt)
		}
	}
	// The control events are answered too. The handler's cache check pings
	// Valkey instead of reading through the tiers (which fail open), so it
	// sees the outage, and reports it as a warning naming the tier.
	healthDuringOutage := a.health(t)
	outage := time.Since(stopped)
	if len(failures) > 0 {
		t.Fatalf("%d of %d invocations failed while Valkey was down (fail open means zero):\n%s\nA logs:\n%s",
			len(failures), outageInvocations, strings.Join(failures, "\n"), a.rie.Logs())
	}
	for _, in := range []instance{a, b} {
		var counts tierCounts
		// Every loaded request failed at least its Valkey read.
		waitFor(t, fmt.Sprintf("%s's EMF output to count a Valkey error for each of its %d outage misses", in.name, loaded[in.name]), func() bool {
			counts = emfCounts(in.rie.Logs()[logMark[in.name]:], contract.TierValkey)
			return counts.Errors >= loaded[in.name]
		}, in)
		if counts.Hits != 0 {
			t.Errorf("%s counted %d Valkey hits while the server was down", in.name, counts.Hits)
		}
		warnings := failOpenLines(in.rie.Logs()[logMark[in.name]:], contract.TierValkey)
		// runtime/cache logs a failing tier at most once per 10 s interval.
		maxWarnings := 1 + int(outage/(10*time.Second))
		if len(warnings) == 0 || len(warnings) > maxWarnings {
			t.Errorf("%s logged %d %q warnings for %d Valkey errors in %s: want 1 to %d (logged, not flooded)\nlogs:\n%s",
				in.name, len(warnings), failOpenMessage, counts.Errors, outage.Round(time.Millisecond), maxWarnings, in.rie.Logs())
		}
		t.Logf("outage, %s: %d loaded, EMF CacheErrors{Tier=valkey}=%d over %d EMF lines, %d fail-open warning line(s)",
			in.name, loaded[in.name], counts.Errors, counts.Lines, len(warnings))
	}
	cacheCheck := healthDuringOutage.Checks["cache"]
	if healthDuringOutage.Status != contract.StatusWarn || len(cacheCheck) != 1 || cacheCheck[0].Status != contract.StatusWarn || cacheCheck[0].Output != "" {
		t.Errorf("health event during the outage answered %+v; want status %q with the cache check warning, and no error text",
			healthDuringOutage, contract.StatusWarn)
	}
	// The answer names the check; the detail is in the function's log (the
	// emulator copies the process's output to its log a moment after the
	// answer, so it is awaited).
	healthLogged := func() bool {
		logs := a.rie.Logs()
		return strings.Contains(logs, `"msg":"lift: health warn"`) && strings.Contains(logs, contract.TierValkey+" tier")
	}
	for deadline := time.Now().Add(5 * time.Second); !healthLogged() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !healthLogged() {
		t.Errorf("the health warning and its detail (the %s tier) must be logged:\n%s", contract.TierValkey, a.rie.Logs())
	}
	slices.Sort(latencies)
	t.Logf("health event during the outage: status %q, cache check %+v", healthDuringOutage.Status, cacheCheck)
	t.Logf("phase 2 (server down): %d invocations, 0 failed, %d loaded, %d from memory, in %s; latency p50 %s, max %s",
		outageInvocations, loaded[a.name]+loaded[b.name], outageInvocations-loaded[a.name]-loaded[b.name], outage.Round(time.Millisecond),
		latencies[len(latencies)/2].Round(time.Microsecond), latencies[len(latencies)-1].Round(time.Microsecond))

	// 3. The server returns on the same port (empty: it persists nothing).
	// A writes a new greeting through to Valkey; B, which never saw it, must
	// read A's copy. Each attempt uses a fresh name, so a write made before
	// A's client reconnected cannot be mistaken for a recovered tier.
	if err := valkey.Start(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	_, attempts = sharedThroughValkey(t, a, b, "Back")
	recovered := time.Since(restarted)
	keys, err := valkey.Do(context.Background(), "DBSIZE")
	if n, _ := keys.(int64); err != nil || n < 1 {
		t.Fatalf("restarted server holds %v keys (%v): the write-through did not reach it", keys, err)
	}
	t.Logf("phase 3 (server back): tier used again after %s, %d attempt(s); server holds %v key(s)",
		recovered.Round(time.Millisecond), attempts, keys)
	// Each instance's cache check follows the tier back to pass.
	for _, in := range []instance{a, b} {
		waitFor(t, fmt.Sprintf("a health event on %s to pass after the restart", in.name), func() bool {
			return in.health(t).Status == contract.StatusPass
		}, in)
	}
	t.Logf("health events on A and B pass after the restart")
}

// shared is a greeting A computed and B read back.
type shared struct {
	greeting
	name string
}

// sharedThroughValkey has A compute a greeting (a miss: loaded, written
// through), checks that A's next request is a memory hit, then asks B, whose
// memory tier never held it: the same computedAt proves B read A's copy from
// Valkey. Each attempt uses a fresh name, so a write made while the tier was
// unavailable cannot pass for one that reached it.
func sharedThroughValkey(t *testing.T, a, b instance, prefix string) (shared, int) {
	t.Helper()
	deadline := time.Now().Add(sharedWithin)
	for attempt := 1; ; attempt++ {
		name := fmt.Sprintf("%s%02d", prefix, attempt)
		written := a.mustInvoke(t, name)
		if again := a.mustInvoke(t, name); !again.ComputedAt.Equal(written.ComputedAt) {
			t.Fatalf("A's second request for %s was recomputed (%s, first %s): the memory tier did not serve it",
				name, again.ComputedAt, written.ComputedAt)
		}
		if read := b.mustInvoke(t, name); read.ComputedAt.Equal(written.ComputedAt) {
			return shared{written, name}, attempt
		}
		if time.Now().After(deadline) {
			t.Fatalf("B never read A's greeting from Valkey within %s (%d attempts)\nA logs:\n%s\nB logs:\n%s",
				sharedWithin, attempt, a.rie.Logs(), b.rie.Logs())
		}
		time.Sleep(200 * time.Millisecond) // pacing between attempts, not an assertion
	}
}

// waitFor polls cond until it holds or a bounded time passes: log lines reach
// the emulator's output asynchronously.
func waitFor(t *testing.T, what string, cond func() bool, in instance) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\n%s logs:\n%s", what, in.name, in.rie.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// health sends the control event {"lift":"health"} and returns the report.
func (in instance) health(t *testing.T) contract.HealthResponse {
	t.Helper()
	payload, _ := json.Marshal(contract.HealthEvent{Lift: contract.ControlHealth})
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
	defer cancel()
	body, _, err := in.rie.Invoke(ctx, payload)
	var h contract.HealthResponse
	if err == nil {
		err = json.Unmarshal(body, &h)
	}
	if err != nil || h.Status == "" {
		t.Fatalf("%s: health event: %v, answer %s", in.name, err, body)
	}
	return h
}
