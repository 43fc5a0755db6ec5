// Command synthscale measures `cdk synth` of generated Lift apps of 1, 10 and
// 30 services (service.New: Go function + DynamoDB cache tier + warmer +
// monitoring; 10 services to a stack, as one service is ~22 CloudFormation
// resources and a stack holds 500), with CDK's template validation on and off, and with a warm and
// a cold Go build cache for the handlers. It reports wall time, peak memory of
// each process role (cdk CLI, Go app, jsii kernel, go build tools; from
// /proc VmHWM) and the load average at the start of each run, and compares
// serial (LIFT_BUILD_JOBS=1) with parallel handler builds.
//
//	go run ./internal/cmd/bench/synthscale                   # everything, table on stdout
//	go run ./internal/cmd/bench/synthscale -services 1,10 -cold=false -o results.md
//
// Run from anywhere in the repository after `make setup` (it uses the pinned
// node_modules/.bin/cdk and Node 22).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/localsvc"
)

const appBinary = "synthscale-app" // short: /proc comm keeps 15 characters

type config struct {
	root, gen, cdk, app string
	interval            time.Duration
}

type result struct {
	services   int
	validation bool
	cold       bool
	jobs       string // "default" or a number
	wall       time.Duration
	loadBefore string
	loadAfter  string
	builds     int
	u          usage
}

func main() {
	servicesFlag := flag.String("services", "1,10,30", "comma-separated app sizes")
	cold := flag.Bool("cold", true, "also measure with an empty Go build cache for the handlers")
	compare := flag.Int("compare", 10, "app size for the serial vs parallel handler-build comparison (0: skip)")
	out := flag.String("o", "", "also write the markdown table to this file")
	validationFlag := flag.String("validation", "on,off", "CDK_VALIDATION modes to measure: on, off or both")
	flag.Parse()
	var validations []bool
	for _, v := range strings.Split(*validationFlag, ",") {
		switch strings.TrimSpace(v) {
		case "on":
			validations = append(validations, true)
		case "off":
			validations = append(validations, false)
		default:
			fmt.Fprintf(os.Stderr, "synthscale: -validation %q: want on, off or on,off\n", *validationFlag)
			os.Exit(2)
		}
	}
	if err := mainErr(*servicesFlag, validations, *cold, *compare, *out); err != nil {
		fmt.Fprintln(os.Stderr, "synthscale:", err)
		os.Exit(1)
	}
}

func mainErr(servicesFlag string, validations []bool, withCold bool, compare int, out string) error {
	var sizes []int
	maxN := compare
	for _, f := range strings.Split(servicesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-services %q: %q is not a positive number", servicesFlag, f)
		}
		sizes, maxN = append(sizes, n), max(maxN, n)
	}
	c, err := setup(maxN)
	if err != nil {
		return err
	}
	var results []result
	report := func(r result, err error) error {
		if err != nil {
			return err
		}
		results = append(results, r)
		fmt.Fprintln(os.Stderr, row(r))
		return nil
	}

	// Unchanged handlers: the default GOCACHE, primed once (not reported).
	fmt.Fprintf(os.Stderr, "priming the Go build cache with %d handlers...\n", maxN)
	if _, err := c.synth(maxN, false, false, ""); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, header())
	if compare > 0 {
		caches := []bool{false}
		if withCold {
			caches = append(caches, true)
		}
		for _, cold := range caches {
			for _, jobs := range []string{"1", ""} {
				if err := report(c.synth(compare, false, cold, jobs)); err != nil {
					return err
				}
			}
		}
	}

	for _, n := range sizes {
		for _, validation := range validations {
			if err := report(c.synth(n, validation, false, "")); err != nil {
				return err
			}
			if withCold {
				if err := report(c.synth(n, validation, true, "")); err != nil {
					return err
				}
			}
		}
	}
	var table bytes.Buffer
	fmt.Fprintf(&table, "synthscale on %s/%s, %d CPUs, GOMAXPROCS %d, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintln(&table, header())
	fmt.Fprintln(&table, strings.Repeat("|---", strings.Count(header(), "|")-1)+"|")
	for _, r := range results {
		fmt.Fprintln(&table, row(r))
	}
	os.Stdout.Write(table.Bytes())
	if out != "" {
		return os.WriteFile(out, table.Bytes(), 0o644)
	}
	return nil
}

// setup finds the tools, generates the app and maxN handlers, and builds the
// app binary with the default (warm) Go build cache: only the handlers' cache
// temperature varies between runs.
func setup(maxN int) (*config, error) {
	root, err := localsvc.FindRoot()
	if err != nil {
		return nil, err
	}
	c := &config{root: root, interval: 50 * time.Millisecond}
	c.gen = filepath.Join(c.root, "internal", "cmd", "bench", "synthscale", "_gen")
	c.cdk = filepath.Join(c.root, "node_modules", ".bin", "cdk")
	if _, err := os.Stat(c.cdk); err != nil {
		return nil, fmt.Errorf("the pinned cdk CLI is missing (%v): run `make setup`", err)
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		return nil, fmt.Errorf("memory figures need Linux /proc: %v", err)
	}
	if err := generate(c.gen, maxN); err != nil {
		return nil, fmt.Errorf("generate the app: %w", err)
	}
	c.app = filepath.Join(c.gen, appBinary)
	build := exec.Command("go", "build", "-o", c.app, ".")
	build.Dir = filepath.Join(c.gen, "app")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	fmt.Fprintln(os.Stderr, "building the generated app...")
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build the generated app: %w", err)
	}
	return c, nil
}

// synth runs `cdk synth -q` of an app of n services and measures it.
func (c *config) synth(n int, validation, cold bool, jobs string) (result, error) {
	r := result{services: n, validation: validation, cold: cold, jobs: jobs}
	outdir, err := os.MkdirTemp("", "synthscale-out-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(outdir)
	env := append(os.Environ(),
		"PATH="+filepath.Join(c.root, "node_modules", ".bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CDK_VALIDATION="+strconv.FormatBool(validation),
		"CDK_DISABLE_VERSION_CHECK=true", "CDK_CLI_NOTICES=false",
		"SYNTHSCALE_SERVICES="+strconv.Itoa(n),
		"SYNTHSCALE_HANDLERS="+filepath.Join(c.gen, "handlers"),
		"LIFT_BUILD_JOBS="+jobs, // empty: GOMAXPROCS
	)
	if cold {
		cache, err := os.MkdirTemp("", "synthscale-gocache-")
		if err != nil {
			return r, err
		}
		defer os.RemoveAll(cache)
		env = append(env, "GOCACHE="+cache)
	}
	cmd := exec.Command(c.cdk, "synth", "-q", "--app", c.app, "-o", outdir, "--no-notices", "--version-reporting=false", "--path-metadata=false")
	cmd.Dir = c.gen
	cmd.Env = env
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	r.loadBefore = loadavg()
	start := time.Now()
	u, err := run(cmd, appBinary, c.interval)
	r.wall, r.u, r.loadAfter = time.Since(start), u, loadavg()
	if err != nil {
		io.Copy(os.Stderr, &logs)
		return r, fmt.Errorf("cdk synth of %d services (%s): %w", n, mode(r), err)
	}
	r.builds = strings.Count(logs.String(), "lift: built ")
	return r, nil
}

func mode(r result) string {
	v, g := "validation on", "warm Go cache"
	if !r.validation {
		v = "validation off"
	}
	if r.cold {
		g = "cold Go cache"
	}
	j := "jobs=GOMAXPROCS"
	if r.jobs != "" {
		j = "jobs=" + r.jobs
	}
	return v + ", " + g + ", " + j
}

func header() string {
	return "| services | CDK_VALIDATION | handler Go cache | LIFT_BUILD_JOBS | wall s | load1 start→end | cdk CLI MB | Go app MB | jsii kernel MB | largest go tool MB | go tools together MB | whole tree MB | builds |"
}

func row(r result) string {
	mb := func(kb int64) string { return strconv.FormatInt((kb+512)/1024, 10) }
	cache, jobs := "warm", fmt.Sprintf("%d (GOMAXPROCS)", runtime.GOMAXPROCS(0))
	if r.cold {
		cache = "cold (empty GOCACHE)"
	}
	if r.jobs != "" {
		jobs = r.jobs
	}
	return fmt.Sprintf("| %d | %t | %s | %s | %.1f | %s→%s | %s | %s | %s | %s | %s | %s | %d |",
		r.services, r.validation, cache, jobs, r.wall.Seconds(), r.loadBefore, r.loadAfter,
		mb(r.u.peakKB[roleCLI]), mb(r.u.peakKB[roleApp]), mb(r.u.peakKB[roleKernel]),
		mb(r.u.peakKB[roleGoBuild]), mb(r.u.buildSum), mb(r.u.treeSum), r.builds)
}
