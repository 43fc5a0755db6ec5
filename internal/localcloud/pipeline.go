package localcloud

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/localsvc"
)

// Run executes the pipeline. It always tears down what it started, and
// returns the report so far with the first failing step's error.
func Run(ctx context.Context, opts Options) (*Report, error) {
	r, err := newRunner(ctx, opts)
	if err == nil {
		err = r.steps(r.deploySteps())
	}
	if err == nil {
		err = r.steps(r.runSteps())
	}
	if terr := r.close(); terr != nil && err == nil {
		err = terr
	}
	return r.rep, err
}

type runner struct {
	o        Options
	rep      *Report
	work     string
	ownsWork bool
	standIn  *localsvc.Redis // the ElastiCache stand-in, with Options.CacheStandIn
	moto     *localsvc.Moto
	cdk      *CDK
	rie      *localsvc.RIE
	emulated []*localsvc.RIE // started through Cloud.Emulate
	feeders  []func()        // stop the queue feeders of Cloud.FeedQueues
	logical  string          // the function's logical id
	ctx      context.Context
}

type step struct {
	id, title string
	fn        func(context.Context) ([]string, error)
}

func newRunner(ctx context.Context, opts Options) (*runner, error) {
	o := opts.withDefaults()
	r := &runner{o: o, rep: &Report{Architecture: o.Architecture}, ctx: ctx}
	if r.o.Root == "" {
		root, err := localsvc.FindRoot()
		if err != nil {
			return r, err
		}
		r.o.Root = root
	}
	return r, nil
}

// deploySteps bring up the local cloud and deploy the stack into it.
func (r *runner) deploySteps() []step {
	var steps []step
	if r.o.CacheStandIn {
		steps = append(steps, step{"valkey", "Start valkey-server (TLS, cluster mode) to stand in for ElastiCache", r.startCache})
	}
	return append(steps,
		step{"moto", "Start moto server as the local AWS endpoint", r.startMoto},
		step{"bootstrap", "cdk bootstrap the local account", r.bootstrap},
		step{"deploy", "cdk deploy " + r.o.Stack, r.deploy},
		step{"stack", "Read the stack back from CloudFormation", r.readStack},
		step{"resources", "Read back the alarms, aliases, scalable targets, tables, dashboards, topics, log groups and schedules moto created", r.readResources},
	)
}

// runSteps run the stack's function under the emulator, as the demo shows it.
func (r *runner) runSteps() []step {
	return []step{
		{"function", "Read the function's configuration back from Lambda", r.readFunction},
		{"asset", "Find the deployed asset's bootstrap through the asset manifest", r.findAsset},
		{"emulator", "Run the bootstrap under the Lambda Runtime Interface Emulator", r.startEmulator},
		{"warmup", `Invoke a warm-up event {"lift":"warmup"} (first invocation: cold)`, r.warmup},
		{"request", "Invoke a real request (warm)", r.request},
		{"cache", "Read one item twice through the cache tiers: memory, then DynamoDB, then the loader", r.cache},
		{"health", `Invoke a health event {"lift":"health"}`, r.health},
		{"shutdown", "SIGTERM the environment, as Lambda does at shutdown", r.shutdown},
	}
}

func (r *runner) steps(steps []step) error {
	for _, s := range steps {
		if err := r.step(s.id, s.title, s.fn); err != nil {
			return err
		}
	}
	return nil
}

// close tears down everything the runner started, as a reported step.
func (r *runner) close() error {
	return r.step("teardown", "Tear down: emulators, moto server, cache stand-in, work directory", func(context.Context) ([]string, error) {
		return r.teardown()
	})
}

// step runs fn as one reported step.
func (r *runner) step(id, title string, fn func(context.Context) ([]string, error)) error {
	r.emit(Event{Kind: StepStarted, Step: id, Title: title})
	start := time.Now()
	lines, err := fn(r.ctx)
	elapsed := time.Since(start)
	r.rep.Steps = append(r.rep.Steps, StepTiming{Step: id, Duration: elapsed, Err: err})
	if err != nil {
		err = fmt.Errorf("step %s: %w", id, err)
		r.emit(Event{Kind: StepFailed, Step: id, Title: title, Elapsed: elapsed, Err: err})
		return err
	}
	r.emit(Event{Kind: StepDone, Step: id, Title: title, Elapsed: elapsed, Lines: lines})
	return nil
}

func (r *runner) emit(e Event) {
	if r.o.Observer != nil {
		r.o.Observer(e)
	}
}

// workDir returns the work directory, creating it on first use.
func (r *runner) workDir() (string, error) {
	if r.work != "" {
		return r.work, nil
	}
	r.work = r.o.WorkDir
	if r.work == "" {
		dir, err := os.MkdirTemp("", "lift-localcloud-")
		if err != nil {
			return "", err
		}
		r.work, r.ownsWork = dir, !r.o.KeepWorkDir
	}
	return r.work, nil
}

// subDir returns the work directory's subdirectory name, created.
func (r *runner) subDir(name string) (string, error) {
	work, err := r.workDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(work, name)
	return dir, os.MkdirAll(dir, 0o700)
}

func (r *runner) startMoto(ctx context.Context) ([]string, error) {
	motoDir, err := r.subDir("moto")
	if err != nil {
		return nil, err
	}
	var opts localsvc.MotoOptions
	if r.standIn != nil {
		opts.CacheEndpoint = r.standIn.Addr
	}
	m, err := localsvc.StartMoto(r.o.Root, motoDir, opts)
	if err != nil {
		return nil, err
	}
	r.moto = m
	r.rep.MotoURL = m.URL
	if r.cdk, err = NewCDK(ctx, r.o.Root, r.work, m, r.o.CommandTimeout); err != nil {
		return nil, err
	}
	return []string{
		"moto_server at " + m.URL + " (the CDK CLI uses " + m.LocalhostURL() + ")",
		"work directory " + r.work,
	}, nil
}

func (r *runner) bootstrap(ctx context.Context) ([]string, error) {
	env := fmt.Sprintf("aws://%s/%s", localsvc.MotoAccountID, localsvc.MotoRegion)
	// Run outside the repository: bootstrapping needs no app, so none is synthesized.
	res, err := r.cdk.Run(ctx, r.work, "bootstrap.log", "bootstrap", env, "--no-notices", "--no-color")
	r.rep.Bootstrap = res
	if err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("%s bootstrapped (CDKToolkit stack) in %s", env, res.Duration.Round(100*time.Millisecond))}, nil
}

// assembly is where the cloud assembly is: Options.App when that is a
// synthesized assembly directory, else the work directory's cdk.out.
func (r *runner) assembly() string {
	if r.appIsAssembly() {
		abs, _ := filepath.Abs(r.o.App)
		return abs
	}
	return filepath.Join(r.work, "cdk.out")
}

func (r *runner) appIsAssembly() bool {
	if r.o.App == "" {
		return false
	}
	fi, err := os.Stat(r.o.App)
	return err == nil && fi.IsDir()
}

func (r *runner) deploy(ctx context.Context) ([]string, error) {
	args := []string{"deploy", r.o.Stack}
	if r.o.App != "" {
		args = append(args, "--app", r.o.App)
	}
	args = append(args,
		"--require-approval", "never", "--no-notices", "--no-color", "--progress", "events",
		// CreateStack rather than a change set: moto fills in the stack's
		// outputs only on that path, and the outputs are read back.
		"--method=direct",
		"-c", ArchitectureContext+"="+r.o.Architecture)
	if !r.appIsAssembly() {
		args = append(args, "--output", r.assembly())
	}
	res, err := r.cdk.Run(ctx, r.o.Root, "deploy.log", args...)
	r.rep.Deploy = res
	if err != nil {
		if strings.Contains(res.Output, "references undefined resource") || strings.Contains(res.Output, "must contain resources") {
			err = fmt.Errorf("%w\nhint: moto skips the resource types neither it nor "+
				"internal/localsvc/motocfn knows: a Fn::GetAtt on a skipped resource fails the stack, and a Ref "+
				"to one is empty (an IAM statement left without resources is rejected); in resources moto creates, refer to "+
				"them by a name-built ARN instead", err)
		}
		return nil, err
	}
	lines := []string{fmt.Sprintf("%s (%s) in %s", strings.Join(res.Args, " "), r.o.Architecture, res.Duration.Round(100*time.Millisecond))}
	for l := range strings.SplitSeq(res.Output, "\n") {
		// The construct's own account of the handler build, and the CLI's timings.
		if strings.HasPrefix(l, "lift: built") || strings.Contains(l, "Synthesis time") || strings.Contains(l, "Deployment time") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines, nil
}

func (r *runner) readStack(ctx context.Context) ([]string, error) {
	st, err := ReadStack(ctx, cloudformation.NewFromConfig(r.moto.AWSConfig()), r.o.Stack)
	r.rep.Stack = st
	if err != nil {
		return nil, err
	}
	lines := []string{fmt.Sprintf("%s: %s", st.Name, st.Status)}
	for _, res := range st.Resources {
		if res.LogicalID == "" && res.Type == "" {
			continue // moto lists resource types it skipped without names
		}
		lines = append(lines, fmt.Sprintf("  %-28s %-34s %s", res.Type, res.LogicalID, res.Status))
	}
	for _, k := range slices.Sorted(maps.Keys(st.Outputs)) {
		lines = append(lines, fmt.Sprintf("  output %s = %s", k, st.Outputs[k]))
	}
	return lines, nil
}

// readFunction reads back the function the stack output names (or its only one).
func (r *runner) readFunction(ctx context.Context) ([]string, error) {
	ref, err := outputRef(r.assembly(), r.o.Stack, r.o.FunctionOutput)
	if err != nil {
		return nil, err
	}
	res, err := functionResource(r.rep.Stack, r.o.FunctionOutput, ref)
	if err != nil {
		return nil, err
	}
	r.logical = res.LogicalID
	f, err := ReadFunction(ctx, lambda.NewFromConfig(r.moto.AWSConfig()), res.PhysicalID)
	f.LogicalID = r.logical
	r.rep.Function = f
	if err != nil {
		return nil, err
	}
	lines := []string{
		f.Name,
		fmt.Sprintf("  runtime %s, architectures %v, handler %s, memory %d MB, timeout %d s", f.Runtime, f.Architectures, f.Handler, f.MemoryMB, f.TimeoutSeconds),
	}
	for _, k := range slices.Sorted(maps.Keys(f.Env)) {
		lines = append(lines, fmt.Sprintf("  env %s=%s", k, f.Env[k]))
	}
	return lines, nil
}

func (r *runner) findAsset(context.Context) ([]string, error) {
	a, err := LocateAsset(r.assembly(), r.o.Stack, r.logical)
	r.rep.Asset = a
	if err != nil {
		return nil, err
	}
	rel, _ := filepath.Rel(r.work, a.Bootstrap)
	// The emulator step checks the architecture against the function's and the host's.
	return []string{fmt.Sprintf("%s (%.1f MB, %s)", rel, float64(a.Size)/(1<<20), a.Machine)}, nil
}

func (r *runner) startEmulator(context.Context) ([]string, error) {
	p, lines, err := r.emulate(r.rep.Function, r.rep.Asset, nil)
	if err != nil {
		return nil, err
	}
	r.rie = p
	r.rep.EmulatorURL = p.URL
	return lines, nil
}

func (r *runner) warmup(ctx context.Context) ([]string, error) {
	inv, err := invoke(ctx, r.rie, warmupPayload(), r.o.InvokeTimeout)
	r.rep.Warmup.Invocation = inv
	if err != nil {
		return nil, err
	}
	w, err := decodeWarmup(inv)
	r.rep.Warmup = w
	if err != nil {
		return nil, err
	}
	return []string{
		fmt.Sprintf("coldStart=%v instanceId=%s initType=%s (%s)", w.Answer.ColdStart, w.Answer.InstanceID, w.Answer.InitType, ms(inv.Latency)),
		"→ " + string(inv.Response),
	}, nil
}

func (r *runner) request(ctx context.Context) ([]string, error) {
	inv, err := invoke(ctx, r.rie, r.o.Request, r.o.InvokeTimeout)
	r.rep.Request.Invocation = inv
	if err != nil {
		return nil, err
	}
	q, err := decodeRequest(inv)
	r.rep.Request = q
	if err != nil {
		return nil, err
	}
	cold := "absent"
	if q.ColdStart != nil {
		cold = fmt.Sprint(*q.ColdStart)
	}
	return []string{
		fmt.Sprintf("HTTP %d, coldStart=%s (%s)", q.StatusCode, cold, ms(inv.Latency)),
		"→ " + string(q.Body),
	}, nil
}

func (r *runner) health(ctx context.Context) ([]string, error) {
	inv, err := invoke(ctx, r.rie, healthPayload(), r.o.InvokeTimeout)
	r.rep.Health.Invocation = inv
	if err != nil {
		return nil, err
	}
	h, err := decodeHealth(inv)
	r.rep.Health = h
	if err != nil {
		return nil, err
	}
	return healthLines(h.Answer, inv.Latency), nil
}

func (r *runner) shutdown(context.Context) ([]string, error) {
	start := time.Now()
	err := r.rie.Terminate()
	r.rep.Shutdown.Duration = time.Since(start)
	r.rep.FunctionLogs = r.rie.Logs()
	r.rep.Shutdown.Lines = shutdownLines(r.rep.FunctionLogs)
	if err != nil {
		return nil, err
	}
	lines := []string{fmt.Sprintf("emulator and runtime exited %s after SIGTERM", ms(r.rep.Shutdown.Duration))}
	for _, l := range r.rep.Shutdown.Lines {
		lines = append(lines, "  log: "+l.Raw)
	}
	if len(r.rep.Shutdown.Lines) == 0 {
		return lines, errors.New("no shutdown log lines from the function: the shutdown hooks did not run (is lambda.WithEnableSIGTERM in effect?)")
	}
	return lines, nil
}

func (r *runner) teardown() ([]string, error) {
	var lines []string
	for _, stop := range r.feeders {
		stop()
	}
	if n := len(r.feeders); n > 0 {
		lines = append(lines, fmt.Sprintf("%d queue feeder(s) stopped", n))
	}
	if r.rie != nil {
		start := time.Now()
		r.rie.Close()
		if r.rep.FunctionLogs == "" {
			r.rep.FunctionLogs = r.rie.Logs()
		}
		lines = append(lines, "emulator stopped ("+ms(time.Since(start))+")")
	}
	for _, p := range r.emulated {
		p.Close()
	}
	if n := len(r.emulated); n > 0 {
		lines = append(lines, fmt.Sprintf("%d emulator(s) started through Cloud.Emulate stopped", n))
	}
	if r.standIn != nil {
		r.standIn.Close()
		lines = append(lines, "valkey-server (ElastiCache stand-in) stopped")
	}
	if r.moto != nil {
		start := time.Now()
		r.moto.Close()
		lines = append(lines, "moto server stopped ("+ms(time.Since(start))+")")
	}
	if r.work != "" {
		if r.ownsWork {
			start := time.Now()
			if err := os.RemoveAll(r.work); err != nil {
				return lines, fmt.Errorf("remove %s: %w", r.work, err)
			}
			lines = append(lines, "removed "+r.work+" ("+ms(time.Since(start))+")")
		} else {
			lines = append(lines, "kept "+r.work+" (cdk.out, logs)")
		}
	}
	return lines, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
