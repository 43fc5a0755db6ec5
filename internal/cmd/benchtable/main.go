// Command benchtable runs the benchmarks behind the performance goals of
// issues 16 and 11 (the HTTP adapter) and prints one table: each goal, its baseline, the measured median
// and whether it is met. `make bench` runs it; docs/performance.md holds a
// copy with the machine it was measured on.
//
// Every figure is a ratio or a count measured against its baseline inside one
// benchmark (interleaved), so both sides see the same machine load; medians
// over -count runs absorb the rest.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
)

// goal is one row of the table.
type goal struct {
	name, baseline string
	pkg, bench     string   // package and -bench pattern
	args           []string // extra go test flags
	metric         string   // the benchmark's reported unit holding the measured figure
	unit           string   // how to print it: "x" (ratio) or "ns"
	limit          float64  // the goal: metric <= limit (< for "ns")
	allocMetric    string   // when set, this unit must be 0
}

var goals = []goal{
	{name: "`GetOrLoad[T]` memory hit (small struct)", baseline: "raw otter `GetIfPresent`, same key",
		pkg: "./runtime/cache", bench: "^BenchmarkGoalGetOrLoadHit$", metric: "getorload/otter", unit: "x", limit: 2,
		allocMetric: "getorload-allocs/op"},
	{name: "`GetOrLoad[T]` via a Valkey L2 hit, p50", baseline: "raw valkey-go `GET` p50, loopback",
		pkg: "./runtime/cache/valkeycache", bench: "^BenchmarkTieredHitVsRawGet$", args: []string{"-benchtime", "2000x"},
		metric: "p50-ratio", unit: "x", limit: 1.1},
	{name: "`Tiered.Get` via a Valkey L2 hit, p50", baseline: "raw valkey-go `GET` p50, loopback",
		pkg: "./runtime/cache/valkeycache", bench: "^BenchmarkTieredHitVsRawGet$", args: []string{"-benchtime", "2000x"},
		metric: "tiered-get-p50-ratio", unit: "x", limit: 1.05},
	{name: "discovery cached resolve + pick", baseline: "absolute (a `time.Now` in the same run, for scale)",
		pkg: "./runtime/discovery", bench: "^BenchmarkGoalResolvePick$", metric: "pick-ns/op", unit: "ns", limit: 150,
		allocMetric: "pick-allocs/op"},
	{name: "memory tier `Get` hit, one goroutine", baseline: "golang-lru/v2 `expirable.LRU.Get`",
		pkg: "./runtime/cache", bench: "^BenchmarkInterleavedGetHit$", metric: "lift/lru", unit: "x", limit: 1.1},
	{name: "`StartHTTP` adapter, HTTP API v2 GET, CPU per request", baseline: "aws-lambda-go, hand-written `events.APIGatewayV2HTTPRequest` handler",
		pkg: "./runtime/lift", bench: "^BenchmarkHTTPAdapterPaired$", metric: "lift/bare", unit: "x", limit: 1.15},
	{name: "`StartHTTP` adapter, same request", baseline: "aws-lambda-go-api-proxy `httpadapter.V2`, same `ServeMux`",
		pkg: "./runtime/lift", bench: "^BenchmarkHTTPAdapterPaired$", metric: "lift/api-proxy", unit: "x", limit: 1},
}

func main() {
	count := flag.Int("count", 7, "runs of each benchmark; the table shows medians")
	out := flag.String("o", "", "also write the table (markdown) to this file")
	flag.Parse()

	// Run each distinct benchmark once for all the goals it serves.
	results := map[string]map[string][]float64{} // pkg+bench -> unit -> values
	for _, g := range goals {
		id := g.pkg + " " + g.bench
		if _, done := results[id]; done {
			continue
		}
		fmt.Fprintf(os.Stderr, "benchtable: %s %s (-count %d)\n", g.pkg, g.bench, *count)
		res, err := run(g, *count)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchtable: %v\n", err)
		}
		results[id] = res
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "| goal | baseline | measured (median of %d) | target | met |\n|---|---|---|---|---|\n", *count)
	for _, g := range goals {
		res := results[g.pkg+" "+g.bench]
		v, ok := median(res[g.metric])
		measured, met := "not measured", "no"
		if ok {
			measured = format(v, g.unit)
			pass := v <= g.limit
			if g.unit == "ns" {
				pass = v < g.limit
			}
			if g.allocMetric != "" {
				a, aok := median(res[g.allocMetric])
				measured += fmt.Sprintf(", %g allocs", a)
				pass = pass && aok && a == 0
			}
			if ns, ok := median(res["clock-ns/op"]); ok {
				measured += fmt.Sprintf(" (time.Now %.0f ns)", ns)
			}
			if pass {
				met = "yes"
			}
		}
		target := map[string]string{"x": "≤ ", "ns": "< "}[g.unit] + format(g.limit, g.unit)
		if g.allocMetric != "" {
			target += ", 0 allocs"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", g.name, g.baseline, measured, target, met)
	}
	fmt.Fprintf(&b, "\n%s\n", machine())
	os.Stdout.Write(b.Bytes())
	if *out != "" {
		if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "benchtable: %v\n", err)
			os.Exit(1)
		}
	}
}

func run(g goal, count int) (map[string][]float64, error) {
	args := append([]string{"test", "-run", "^$", "-bench", g.bench, "-benchmem", "-count", fmt.Sprint(count)}, g.args...)
	args = append(args, g.pkg)
	cmd := exec.Command("go", args...)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, os.Stderr)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	return parse(out.String()), err
}

// parse reads `go test -bench` output: name, iterations, then value/unit pairs.
func parse(out string) map[string][]float64 {
	res := map[string][]float64{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			var v float64
			if _, err := fmt.Sscan(f[i], &v); err == nil {
				res[f[i+1]] = append(res[f[i+1]], v)
			}
		}
	}
	return res
}

func median(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

func format(v float64, unit string) string {
	if unit == "ns" {
		return fmt.Sprintf("%.0f ns", v)
	}
	return fmt.Sprintf("%.2fx", v)
}

// machine names what the table was measured on.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	gover := runtime.Version()
	if b, err := exec.Command("go", "version").Output(); err == nil {
		gover = strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("Measured on %d cores, %s, %s.", runtime.NumCPU(), model, gover)
}
