package local

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/localsvc"
)

// AliasName is the alias every Lift service is invoked through
// (constructs/service.AliasName).
const AliasName = "live"

// WarmerService is the service name of a stack's warmer function
// (constructs/prewarm): it runs locally too, but it answers no control
// events, so commands over "every service" leave it out.
const WarmerService = "lift-warmer"

// Options configures Up.
type Options struct {
	// App is the app's folder, holding cdk.json. Required, absolute.
	App string
	// AppCommand, when set, is passed to cdk as --app (another app command
	// or a synthesized cloud assembly). Default: cdk.json's app.
	AppCommand string
	// Stacks to deploy. Default: every stack of the app.
	Stacks []string
	// Keep leaves what a failed Up started running (and the state folder)
	// for a look; lift local down removes it.
	Keep bool
	// Self is the lift executable, which serves the local Lambda endpoint
	// (lift local serve-router) in the background.
	Self string
	// Step runs one step of the work, reporting progress. Default: runs it.
	Step func(title string, fn func() error) error
	// CommandTimeout bounds each cdk command. Default 30 minutes.
	CommandTimeout time.Duration
}

// Up brings up the app's local cloud and returns its state, with true when
// it was already up (all of its processes alive): then nothing is started.
func Up(ctx context.Context, o Options) (*State, bool, error) {
	if o.Step == nil {
		o.Step = func(_ string, fn func() error) error { return fn() }
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 30 * time.Minute
	}
	if _, err := os.Stat(filepath.Join(o.App, "cdk.json")); err != nil && o.AppCommand == "" {
		return nil, false, fmt.Errorf("%s has no cdk.json: run lift local up in a CDK app's folder, or pass --app", o.App)
	}
	if s, err := Load(o.App); err == nil {
		if s.allAlive() {
			return s, true, nil
		}
		// A previous cloud, partly gone (a reboot, a killed process): start afresh.
		if err := Down(o.App); err != nil {
			return nil, false, err
		}
	}
	u := &upper{o: o, s: &State{App: o.App}, work: filepath.Join(o.App, Dir)}
	err := u.run(ctx)
	if err != nil && !o.Keep {
		u.s.stopAll()
		_ = os.RemoveAll(u.work)
	}
	if err != nil {
		return nil, false, err
	}
	return u.s, false, nil
}

type upper struct {
	o       Options
	s       *State
	work    string
	moto    *localsvc.Moto
	standIn *localsvc.Redis
	cdk     *localcloud.CDK
}

func (u *upper) run(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Join(u.work, "logs"), 0o700); err != nil {
		return err
	}
	if _, err := localsvc.LookTool(u.o.App, "valkey-server"); err == nil {
		if err := u.o.Step("start valkey-server (stands in for ElastiCache)", u.startValkey); err != nil {
			return err
		}
	}
	if err := u.o.Step("start moto (the local AWS endpoint)", func() error { return u.startMoto(ctx) }); err != nil {
		return err
	}
	if err := u.o.Step("cdk bootstrap", func() error { return u.bootstrap(ctx) }); err != nil {
		return err
	}
	title := "cdk deploy --all"
	if len(u.o.Stacks) > 0 {
		title = "cdk deploy " + strings.Join(u.o.Stacks, " ")
	}
	if err := u.o.Step(title, func() error { return u.deploy(ctx) }); err != nil {
		return err
	}
	router, err := localsvc.FreeAddr()
	if err != nil {
		return err
	}
	u.s.Lambda = "http://" + router
	if err := u.o.Step("start the functions under the Lambda emulator", func() error { return u.startFunctions(ctx) }); err != nil {
		return err
	}
	if err := u.s.save(); err != nil {
		return err
	}
	if err := u.o.Step("start the local Lambda endpoint", func() error { return u.startRouter(router) }); err != nil {
		return err
	}
	u.s.Started = time.Now().UTC()
	return u.s.save()
}

func (u *upper) logFile(name string) string { return filepath.Join(u.work, "logs", name+".log") }

func (u *upper) startValkey() error {
	dir := filepath.Join(u.work, "valkey")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	log := u.logFile("valkey")
	r, err := localsvc.StartRedis(u.o.App, dir, localsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true, LogFile: log})
	if err != nil {
		return err
	}
	u.standIn = r
	p := track(r.Pid(), log)
	u.s.Valkey = &p
	return nil
}

func (u *upper) startMoto(ctx context.Context) error {
	dir := filepath.Join(u.work, "moto")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var opts localsvc.MotoOptions
	if u.standIn != nil {
		opts.CacheEndpoint = u.standIn.Addr
	}
	opts.LogFile = u.logFile("moto")
	m, err := localsvc.StartMoto(u.o.App, dir, opts)
	if err != nil {
		return err
	}
	u.moto = m
	u.s.Moto, u.s.AWS = track(m.Pid(), opts.LogFile), m.URL
	u.cdk, err = localcloud.NewCDK(ctx, u.o.App, u.work, m, u.o.CommandTimeout)
	return err
}

func (u *upper) bootstrap(ctx context.Context) error {
	env := fmt.Sprintf("aws://%s/%s", localsvc.MotoAccountID, localsvc.MotoRegion)
	// Outside the app: bootstrapping needs no app, so none is synthesized.
	_, err := u.cdk.Run(ctx, u.work, "bootstrap.log", "bootstrap", env, "--no-notices", "--no-color")
	return err
}

func (u *upper) assembly() string { return filepath.Join(u.work, "cdk.out") }

func (u *upper) deploy(ctx context.Context) error {
	args := append([]string{"deploy"}, u.o.Stacks...)
	if len(u.o.Stacks) == 0 {
		args = append(args, "--all")
	}
	if u.o.AppCommand != "" {
		args = append(args, "--app", u.o.AppCommand)
	}
	args = append(args, "--require-approval", "never", "--no-notices", "--no-color", "--progress", "events",
		// CreateStack rather than a change set: moto fills in outputs only then.
		"--method=direct",
		// Built for this machine, so the deployed binaries run here.
		"-c", localcloud.ArchitectureContext+"="+localcloud.HostArchitecture(),
		"--output", u.assembly())
	if _, err := u.cdk.Run(ctx, u.o.App, "deploy.log", args...); err != nil {
		return err
	}
	stacks, err := localcloud.Stacks(u.assembly())
	if err != nil {
		return err
	}
	for _, s := range stacks {
		if len(u.o.Stacks) == 0 || slices.Contains(u.o.Stacks, s) {
			u.s.Stacks = append(u.s.Stacks, s)
		}
	}
	return nil
}

// startFunctions runs every deployed Lift function (one with LIFT_SERVICE)
// under the emulator, calling other functions through the local endpoint.
func (u *upper) startFunctions(ctx context.Context) error {
	cfg := u.moto.AWSConfig()
	cfn, lc := cloudformation.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	for _, stack := range u.s.Stacks {
		st, err := localcloud.ReadStack(ctx, cfn, stack)
		if err != nil {
			return err
		}
		for _, res := range st.Resources {
			if res.Type != "AWS::Lambda::Function" {
				continue
			}
			fn, err := localcloud.ReadFunction(ctx, lc, res.PhysicalID)
			if err != nil {
				return err
			}
			fn.LogicalID = res.LogicalID
			if TargetName(fn.Env) == "" {
				continue // not a Lift service (the stack's warmer, say)
			}
			if err := u.startFunction(stack, fn); err != nil {
				return err
			}
		}
	}
	if len(u.s.Funcs) == 0 {
		return errors.New("the deployed stacks have no Lift function (a Lambda function with " + contract.EnvService + ")")
	}
	return nil
}

func (u *upper) startFunction(stack string, fn localcloud.Function) error {
	a, err := localcloud.LocateAsset(u.assembly(), stack, fn.LogicalID)
	if err != nil {
		return err
	}
	o, _, err := localcloud.EmulatorOptions(fn, a, u.moto, u.standIn, map[string]string{"AWS_ENDPOINT_URL_LAMBDA": u.s.Lambda})
	if err != nil {
		return err
	}
	f := u.entry(stack, fn)
	o.LogFile = f.Proc.Log
	p, err := localsvc.StartRIE(u.o.App, o)
	if err != nil {
		return fmt.Errorf("service %s: %w", f.Service, err)
	}
	f.URL, f.Proc = p.URL, track(p.Pid(), o.LogFile)
	u.s.Funcs = append(u.s.Funcs, f)
	return nil
}

// entry is fn's record in the state before its emulator starts: the name
// commands take for it (TargetName) and its log file, named after it.
func (u *upper) entry(stack string, fn localcloud.Function) Function {
	name := TargetName(fn.Env)
	log := strings.ReplaceAll(name, "/", "-") // a worker's SERVICE/worker logs to SERVICE-worker.log
	// A second function that a user gave the same LIFT_SERVICE logs apart.
	if slices.ContainsFunc(u.s.Funcs, func(f Function) bool { return f.Proc.Log == u.logFile(log) }) {
		log += "-" + fn.Name
	}
	return Function{Service: name, Stack: stack, LogicalID: fn.LogicalID, Name: fn.Name, ARN: fn.ARN,
		Alias: fn.ARN + ":" + AliasName, Proc: Proc{Log: u.logFile(log)}}
}

// startRouter starts `lift local serve-router` in the background and waits
// until it accepts connections.
func (u *upper) startRouter(addr string) error {
	log := u.logFile("router")
	f, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(u.o.Self, "local", "serve-router", "--listen", addr)
	cmd.Dir = u.o.App
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the local Lambda endpoint: %w", err)
	}
	u.s.Router = track(cmd.Process.Pid, log)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			return c.Close()
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(log)
			return fmt.Errorf("the local Lambda endpoint exited (%v):\n%s", err, b)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the local Lambda endpoint did not listen on %s within 15s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *State) allAlive() bool {
	for _, p := range s.Procs() {
		if !p.Alive() {
			return false
		}
	}
	return true
}

// stopAll stops every process of the state: the router first, then the
// functions (SIGTERM: their shutdown hooks run), then valkey and moto.
func (s *State) stopAll() {
	if s.Router.Pid > 0 {
		s.Router.stop(3 * time.Second)
	}
	// In parallel: RIE gives the runtime ~600 ms after SIGTERM, then kills it.
	var wg sync.WaitGroup
	for _, f := range s.Funcs {
		wg.Go(func() { f.Proc.stop(3 * time.Second) })
	}
	wg.Wait()
	if s.Valkey != nil {
		s.Valkey.stop(3 * time.Second)
	}
	if s.Moto.Pid > 0 {
		s.Moto.stop(3 * time.Second)
	}
}

// Down stops exactly the processes the state of the app in dir names (each
// checked by pid and start time) and removes the state folder.
func Down(dir string) error {
	s, err := Load(dir)
	if err != nil {
		return err
	}
	s.stopAll()
	return os.RemoveAll(filepath.Join(dir, Dir))
}
