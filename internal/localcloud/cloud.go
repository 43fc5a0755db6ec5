package localcloud

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// Cloud is a stack deployed to a local cloud: moto (whose CloudFormation
// Lift extends to Cloud Map and ElastiCache, see localsvc.MotoOptions), the
// ElastiCache stand-in when asked for, and the cloud assembly the deploy
// used. Its functions run under the emulator with Emulate.
type Cloud struct{ r *runner }

// Deploy brings up a local cloud and deploys Options.Stack into it with
// `cdk deploy`: the first steps of Run. Request, CacheRequest and
// FunctionOutput play no part. On error everything started is torn down;
// otherwise Close does that.
func Deploy(ctx context.Context, opts Options) (*Cloud, error) {
	r, err := newRunner(ctx, opts)
	if err == nil {
		err = r.steps(r.deploySteps())
	}
	if err != nil {
		_ = r.close()
		return nil, err
	}
	return &Cloud{r}, nil
}

// Report is what the deploy saw: commands, the stack read back.
func (c *Cloud) Report() *Report { return c.r.rep }

// Stack is the deployed stack as CloudFormation describes it.
func (c *Cloud) Stack() Stack { return c.r.rep.Stack }

// Moto is the local AWS endpoint the stack is deployed to.
func (c *Cloud) Moto() *localsvc.Moto { return c.r.moto }

// CacheStandIn is the valkey-server standing in for ElastiCache, or nil
// without Options.CacheStandIn.
func (c *Cloud) CacheStandIn() *localsvc.Redis { return c.r.standIn }

// Assembly is the cloud assembly directory the deploy used.
func (c *Cloud) Assembly() string { return c.r.assembly() }

// Template is the deployed stack's template in the cloud assembly.
func (c *Cloud) Template() (Template, error) {
	_, tpl, err := stackTemplate(c.r.assembly(), c.r.o.Stack)
	return tpl, err
}

// Resource returns the stack resource with the logical id, read back.
func (c *Cloud) Resource(logicalID string) (Resource, error) {
	for _, res := range c.r.rep.Stack.Resources {
		if res.LogicalID == logicalID {
			return res, nil
		}
	}
	return Resource{}, fmt.Errorf("stack %s has no resource %s", c.r.o.Stack, logicalID)
}

// Function reads the configuration of the stack's function with the
// logical id back from Lambda.
func (c *Cloud) Function(ctx context.Context, logicalID string) (Function, error) {
	res, err := c.Resource(logicalID)
	if err != nil {
		return Function{}, err
	}
	f, err := ReadFunction(ctx, lambda.NewFromConfig(c.r.moto.AWSConfig()), res.PhysicalID)
	f.LogicalID = logicalID
	return f, err
}

// Emulate runs the deployed code of fn under the emulator with fn's
// deployed environment, the local account's endpoint and credentials (what
// Lambda would supply), and env on top. Close stops it.
func (c *Cloud) Emulate(fn Function, env map[string]string) (*localsvc.RIE, error) {
	a, err := LocateAsset(c.r.assembly(), c.r.o.Stack, fn.LogicalID)
	if err != nil {
		return nil, err
	}
	p, _, err := c.r.emulate(fn, a, env)
	if err != nil {
		return nil, err
	}
	c.r.emulated = append(c.r.emulated, p)
	return p, nil
}

// FeedQueues feeds each SQS event source mapping of the cloud to its
// function, as Lambda's pollers do (localsvc.QueueFeeder), invoking it
// through the local Lambda endpoint lambdaURL: a LambdaRouter over the
// emulators Emulate started. log gets a line per delivery (nil: none). The
// returned func stops it after the invocations in flight; Close does too,
// before it stops the emulators.
func (c *Cloud) FeedQueues(lambdaURL string, log *slog.Logger) (stop func(), err error) {
	f, err := localsvc.NewQueueFeeder(localsvc.QueueFeederOptions{AWS: c.r.moto.AWSConfig(), Lambda: lambdaURL, Log: log})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	stop = sync.OnceFunc(func() { cancel(); <-done })
	c.r.feeders = append(c.r.feeders, stop)
	return stop, nil
}

// Close tears down the emulators, moto, the stand-in and the work directory.
func (c *Cloud) Close() error { return c.r.close() }

// emulate starts the emulator for fn's code in a; see Cloud.Emulate.
func (r *runner) emulate(fn Function, a Asset, extra map[string]string) (*localsvc.RIE, []string, error) {
	opts, lines, err := EmulatorOptions(fn, a, r.moto, r.standIn, extra)
	if err != nil {
		return nil, nil, err
	}
	p, err := localsvc.StartRIE(r.o.Root, opts)
	if err != nil {
		return nil, nil, err
	}
	return p, append([]string{"aws-lambda-rie invocations at " + p.URL,
		"runtime API at " + p.RuntimeAPI + " (the runtime starts on the first invocation)"}, lines...), nil
}

// RunLocal runs the deployed code of fn in Lift's local mode (no emulator:
// its HTTP handler and the invocation path on a loopback port) with the
// environment Emulate gives it, plus env. Close stops it with SIGTERM.
func (c *Cloud) RunLocal(fn Function, env map[string]string) (*localsvc.Local, error) {
	a, err := LocateAsset(c.r.assembly(), c.r.o.Stack, fn.LogicalID)
	if err != nil {
		return nil, err
	}
	opts, _, err := EmulatorOptions(fn, a, c.r.moto, c.r.standIn, env)
	if err != nil {
		return nil, err
	}
	return localsvc.StartLocal(opts)
}

// EmulatorOptions are the emulator settings that run fn's deployed code in a
// as Lambda would: fn's deployed environment, memory and timeout, moto's
// endpoint and credentials (what Lambda would supply), the stand-in's
// settings when fn's cache endpoint is standIn (may be nil), and extra on
// top. The lines say what was adjusted. It fails when a's binary cannot run
// on this machine or does not match fn's architecture.
func EmulatorOptions(fn Function, a Asset, moto *localsvc.Moto, standIn *localsvc.Redis, extra map[string]string) (localsvc.RIEOptions, []string, error) {
	arch := lambdaArchitecture(a.Machine)
	if !slices.Contains(fn.Architectures, arch) {
		return localsvc.RIEOptions{}, nil, fmt.Errorf("%s: the asset is built for %s but the deployed function runs on %v", fn.LogicalID, arch, fn.Architectures)
	}
	if arch != HostArchitecture() {
		return localsvc.RIEOptions{}, nil, fmt.Errorf("%s: the asset is built for %s and cannot run here (%s): deploy with -c %s=%s", fn.LogicalID, arch, HostArchitecture(), ArchitectureContext, HostArchitecture())
	}
	env := maps.Clone(fn.Env)
	if env == nil {
		env = map[string]string{}
	}
	for _, kv := range moto.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	var lines []string
	if standIn != nil && env[contract.EnvCacheEndpoint] == standIn.Addr {
		// What the stand-in cannot be: it does not check ElastiCache IAM auth
		// tokens, and its TLS certificate chains to a local CA, which Go's
		// crypto/x509 reads from SSL_CERT_FILE as it reads Amazon's CAs in Lambda.
		env[contract.EnvCacheAuth] = contract.CacheAuthNone
		env["SSL_CERT_FILE"] = standIn.CAFile
		lines = append(lines, fmt.Sprintf("cache endpoint %s is the stand-in: %s=%s, SSL_CERT_FILE=its CA",
			standIn.Addr, contract.EnvCacheAuth, contract.CacheAuthNone))
	}
	maps.Copy(env, extra)
	return localsvc.RIEOptions{
		Bootstrap:    a.Bootstrap,
		Env:          env,
		FunctionName: fn.Name,
		Timeout:      time.Duration(fn.TimeoutSeconds) * time.Second,
		MemoryMB:     int(fn.MemoryMB),
	}, lines, nil
}

func (r *runner) startCache(context.Context) ([]string, error) {
	dir, err := r.subDir("valkey")
	if err != nil {
		return nil, err
	}
	c, err := localsvc.StartRedis(r.o.Root, dir, localsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true})
	if err != nil {
		return nil, err
	}
	r.standIn = c
	return []string{"valkey-server at " + c.Addr + " (TLS, one node owning all slots: the shape of an ElastiCache Serverless endpoint)"}, nil
}
