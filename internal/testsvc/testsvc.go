package testsvc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/localsvc"
)

// Moto's fixed identity.
const (
	MotoRegion    = localsvc.MotoRegion
	MotoAccountID = localsvc.MotoAccountID
)

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// Root returns the directory of Lift's main module.
func Root(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() { rootDir, rootErr = localsvc.FindRoot() })
	if rootErr != nil {
		t.Fatalf("testsvc: %v", rootErr)
	}
	return rootDir
}

// Tool returns the path of an executable from .tools/bin, node_modules/.bin or
// PATH, in that order; when it is nowhere the test ends through Missing.
// Outside Lift's repository (a user's app whose stack test runs
// cdktest.CfnLint) the folders are the working directory's.
func Tool(t testing.TB, name string) string {
	t.Helper()
	rootOnce.Do(func() { rootDir, rootErr = localsvc.FindRoot() })
	root := rootDir
	if rootErr != nil {
		root = "."
	}
	p, err := localsvc.LookTool(root, name)
	if err != nil {
		fatal(t, err)
	}
	return p
}

// MotoServer is moto_server on a free loopback port; URL is http://127.0.0.1:PORT.
type MotoServer struct{ *localsvc.Moto }

// Moto starts moto_server and stops it when the test ends.
func Moto(t testing.TB) *MotoServer {
	t.Helper()
	m, err := localsvc.StartMoto(Root(t), t.TempDir(), localsvc.MotoOptions{})
	if err != nil {
		fatal(t, err)
	}
	t.Cleanup(m.Close)
	return &MotoServer{m}
}

// AWSConfig returns an SDK configuration for this server only: us-east-1,
// static credentials test/test, BaseEndpoint URL.
func (m *MotoServer) AWSConfig(t testing.TB) aws.Config {
	t.Helper()
	return m.Moto.AWSConfig()
}

// RedisOptions selects redis-server or valkey-server, TLS, cluster mode and a password.
type RedisOptions = localsvc.RedisOptions

// RedisServer is a redis-server or valkey-server on loopback: Addr, Port,
// TLSConfig (trusts the test CA; nil without TLS), Do, Logs.
type RedisServer struct{ *localsvc.Redis }

// Redis starts a server as o describes and stops it when the test ends.
func Redis(t testing.TB, o RedisOptions) *RedisServer {
	t.Helper()
	r, err := localsvc.StartRedis(Root(t), t.TempDir(), o)
	if err != nil {
		fatal(t, err)
	}
	t.Cleanup(r.Close)
	return &RedisServer{r}
}

// Stop shuts the server down and waits for it to exit.
func (r *RedisServer) Stop(t testing.TB) {
	t.Helper()
	if err := r.Redis.Stop(); err != nil {
		fatal(t, err)
	}
}

// Start starts a stopped server again on the same port and waits until ready.
func (r *RedisServer) Start(t testing.TB) {
	t.Helper()
	if err := r.Redis.Start(); err != nil {
		fatal(t, err)
	}
}

// HandlerBuildFlags are gofunction's `go build` flags.
var HandlerBuildFlags = localsvc.HandlerBuildFlags

// BuildHandler builds main package pkg (relative to the module root, e.g.
// "./examples/quickstart/handler") for Linux on the host's architecture with
// gofunction's flags, and returns the path of "bootstrap" in a temp dir.
func BuildHandler(t testing.TB, pkg string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	p, err := localsvc.BuildHandler(ctx, Root(t), pkg, t.TempDir())
	if err != nil {
		fatal(t, err)
	}
	return p
}

// RIEOptions describes one function to run under the emulator.
type RIEOptions = localsvc.RIEOptions

// RIEProcess is aws-lambda-rie serving one function: URL, RuntimeAPI, Invoke, Logs, Exited.
type RIEProcess struct{ *localsvc.RIE }

// RIE starts the emulator for o.Bootstrap on loopback and kills it, with its
// runtime, when the test ends.
func RIE(t testing.TB, o RIEOptions) *RIEProcess {
	t.Helper()
	p, err := localsvc.StartRIE(Root(t), o)
	if err != nil {
		fatal(t, err)
	}
	t.Cleanup(p.Close)
	return &RIEProcess{p}
}

// MustInvoke sends payload as one invocation and returns the answer; a
// failed invocation fails the test with the function's output.
func (p *RIEProcess) MustInvoke(t testing.TB, ctx context.Context, payload string) []byte {
	t.Helper()
	body, _, err := p.Invoke(ctx, []byte(payload))
	if err != nil {
		t.Fatalf("testsvc: invoke %s: %v\nlogs:\n%s", payload, err, p.Logs())
	}
	return body
}

// WaitForLog waits, boundedly, until the output holds want, and returns the
// output. A function's log lines reach the emulator's output through a pipe,
// so they can arrive just after the invocation's answer.
func (p *RIEProcess) WaitForLog(t testing.TB, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		logs := p.Logs()
		if strings.Contains(logs, want) {
			return logs
		}
		if time.Now().After(deadline) {
			t.Fatalf("testsvc: no %q in the function's output after 10s:\n%s", want, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Terminate sends SIGTERM to the emulator (which passes it to the runtime,
// then SIGKILLs it, as Lambda does) and waits for it to exit.
func (p *RIEProcess) Terminate(t testing.TB) {
	t.Helper()
	if err := p.RIE.Terminate(); err != nil {
		fatal(t, err)
	}
}

// CloudMapService creates, in this server's Cloud Map, an HTTP namespace named
// prefix plus a random suffix (moto accepts duplicate names, AWS does not) and
// one service with custom health checks in it, and returns the namespace's
// name and the service's id.
func (m *MotoServer) CloudMapService(t testing.TB, prefix, service string) (namespace, serviceID string) {
	t.Helper()
	ctx := context.Background()
	sd := servicediscovery.NewFromConfig(m.AWSConfig(t))
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	namespace = prefix + hex.EncodeToString(suffix)
	op, err := sd.CreateHttpNamespace(ctx, &servicediscovery.CreateHttpNamespaceInput{Name: aws.String(namespace)})
	if err != nil {
		t.Fatalf("testsvc: CreateHttpNamespace %s: %v", namespace, err)
	}
	got, err := sd.GetOperation(ctx, &servicediscovery.GetOperationInput{OperationId: op.OperationId})
	if err != nil {
		t.Fatalf("testsvc: GetOperation: %v", err)
	}
	svc, err := sd.CreateService(ctx, &servicediscovery.CreateServiceInput{
		Name: aws.String(service), NamespaceId: aws.String(got.Operation.Targets[string(sdtypes.OperationTargetTypeNamespace)]),
		HealthCheckCustomConfig: &sdtypes.HealthCheckCustomConfig{},
	})
	if err != nil {
		t.Fatalf("testsvc: CreateService %s: %v", service, err)
	}
	return namespace, aws.ToString(svc.Service.Id)
}
