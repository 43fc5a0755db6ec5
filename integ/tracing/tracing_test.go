package tracing

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
)

const calleeARN = "arn:aws:lambda:us-east-1:123456789012:function:callee:live"

type output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// stdoutSpan is what the stdout exporter writes for a span (the fields read here).
type stdoutSpan struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct {
		TraceID, SpanID string
		Remote          bool
	}
	Attributes []struct {
		Key   string
		Value struct{ Value any }
	}
}

func (s stdoutSpan) attr(key string) any {
	for _, a := range s.Attributes {
		if a.Key == key {
			return a.Value.Value
		}
	}
	return nil
}

// lines splits a process's stdout into spans and log records.
func lines(out string) (spans []stdoutSpan, logs []map[string]any) {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		if _, ok := m["SpanContext"]; ok {
			var s stdoutSpan
			_ = json.Unmarshal(sc.Bytes(), &s)
			spans = append(spans, s)
		} else if _, ok := m["msg"]; ok {
			logs = append(logs, m)
		}
	}
	return spans, logs
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs bin in local mode on addr, with LIFT_TRACING=stdout unless env
// says otherwise, and stops it (SIGTERM) at cleanup.
func start(t *testing.T, bin, addr string, env ...string) *output {
	t.Helper()
	out := &output{}
	cmd := exec.Command(bin)
	// env comes last, so it may override LIFT_TRACING (the last value wins).
	cmd.Env = append(os.Environ(), append([]string{contract.EnvLocalAddr + "=" + addr, contract.EnvTracing + "=" + contract.TracingStdout}, env...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", bin, out)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not listen on %s: %v\n%s", bin, addr, err, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// calleeInCloudMap registers the callee's function as a Lambda instance of
// service "callee" and returns the namespace the caller looks in.
func calleeInCloudMap(t *testing.T, moto *testsvc.MotoServer) string {
	t.Helper()
	namespace, serviceID := moto.CloudMapService(t, "lift-trace-", "callee")
	sd := servicediscovery.NewFromConfig(moto.AWSConfig(t))
	if _, err := sd.RegisterInstance(context.Background(), &servicediscovery.RegisterInstanceInput{
		ServiceId: aws.String(serviceID), InstanceId: aws.String("callee-live"),
		Attributes: map[string]string{contract.AttrProtocol: contract.ProtocolLambda, contract.AttrFunctionARN: calleeARN},
	}); err != nil {
		t.Fatal(err)
	}
	return namespace
}

// TestOneTraceAcrossTwoServiceProcesses: both services in local mode, the
// caller reaching the callee's Invoke API directly.
func TestOneTraceAcrossTwoServiceProcesses(t *testing.T) {
	callerOut, calleeOut := runLocalPair(t)
	assertOneTrace(t, service{out: callerOut.String}, service{out: calleeOut.String})
}

// runLocalPair runs callee and caller in local mode with env added to both,
// the caller finding the callee in Cloud Map and invoking it through the
// callee's local mode, asks the caller once, and returns their outputs.
func runLocalPair(t *testing.T, env ...string) (callerOut, calleeOut *output) {
	t.Helper()
	moto := testsvc.Moto(t)
	namespace := calleeInCloudMap(t, moto)
	callerBin := testsvc.BuildHandler(t, "./integ/tracing/testdata/caller")
	calleeBin := testsvc.BuildHandler(t, "./integ/tracing/testdata/callee")

	calleeAddr, callerAddr := freeAddr(t), freeAddr(t)
	calleeOut = start(t, calleeBin, calleeAddr, slices.Concat(env, []string{"AWS_LAMBDA_FUNCTION_NAME=callee", contract.EnvService + "=callee"})...)
	callerOut = start(t, callerBin, callerAddr, slices.Concat(env, moto.Env(), []string{
		"AWS_LAMBDA_FUNCTION_NAME=caller", contract.EnvService + "=caller",
		"AWS_ENDPOINT_URL_LAMBDA=http://" + calleeAddr, // the Lambda Invoke API: the callee's local mode
		contract.EnvDiscoveryNamespace + "=" + namespace})...)

	resp, err := http.Post("http://"+callerAddr+"/2015-03-31/functions/caller/invocations", "application/json", strings.NewReader(`{"sku":"widget"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("X-Amz-Function-Error") != "" || body.String() != `{"inStock":12}` {
		t.Fatalf("caller answered %s", body.String())
	}
	return callerOut, calleeOut
}

// TestOneTraceUnderRIE: both services under the Lambda emulator, the caller's
// Invoke call going through the Lambda router (as under lift local up),
// which must pass the ClientContext and X-Ray header on to the callee's RIE.
func TestOneTraceUnderRIE(t *testing.T) {
	moto := testsvc.Moto(t)
	namespace := calleeInCloudMap(t, moto)
	callerBin := testsvc.BuildHandler(t, "./integ/tracing/testdata/caller")
	calleeBin := testsvc.BuildHandler(t, "./integ/tracing/testdata/callee")

	callee := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: calleeBin, FunctionName: "callee",
		Env: map[string]string{contract.EnvTracing: contract.TracingStdout, contract.EnvService: "callee"}})
	router := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{calleeARN: {callee.URL}})
	callerEnv := map[string]string{contract.EnvTracing: contract.TracingStdout, contract.EnvService: "caller",
		"AWS_ENDPOINT_URL_LAMBDA": router.URL, contract.EnvDiscoveryNamespace: namespace}
	for _, kv := range moto.Env() {
		k, v, _ := strings.Cut(kv, "=")
		callerEnv[k] = v
	}
	caller := testsvc.RIE(t, testsvc.RIEOptions{Bootstrap: callerBin, FunctionName: "caller", Env: callerEnv})

	if out := caller.MustInvoke(t, context.Background(), `{"sku":"widget"}`); string(out) != `{"inStock":12}` {
		t.Fatalf("caller answered %s\ncaller:\n%s\ncallee:\n%s", out, caller.Logs(), callee.Logs())
	}
	if got := router.Asked(); len(got) != 1 || got[0] != calleeARN {
		t.Fatalf("the router was asked %v, want one call to %s", got, calleeARN)
	}
	assertOneTrace(t, service{out: caller.Logs}, service{out: callee.Logs})
	if t.Failed() {
		t.Logf("caller:\n%s\ncallee:\n%s", caller.Logs(), callee.Logs())
	}
}

// service is where a test reads one service's output: its process output
// (log lines, and the stdout exporter's spans) and, when it exports
// elsewhere, its spans.
type service struct {
	out   func() string
	spans func() []stdoutSpan // nil: the spans are in out
}

func (s service) read() ([]stdoutSpan, []map[string]any) {
	spans, logs := lines(s.out())
	if s.spans != nil {
		spans = s.spans()
	}
	return spans, logs
}

// assertOneTrace reads both services' spans and log lines and checks one
// trace: the caller's invocation span, its discovery.call span, the callee's
// invocation span as the call's remote child, the cache span under it, and
// both services' log lines carrying the trace id.
func assertOneTrace(t *testing.T, caller, callee service) {
	t.Helper()
	// Each process flushes its spans when its invocation ends; the caller's
	// ends after the callee's answer, so both are written by now, but read
	// with a short grace for the pipes.
	var callerSpans, calleeSpans []stdoutSpan
	var callerLogs, calleeLogs []map[string]any
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		callerSpans, callerLogs = caller.read()
		calleeSpans, calleeLogs = callee.read()
		if len(callerSpans) >= 2 && len(calleeSpans) >= 2 || time.Now().After(deadline) {
			break
		}
	}
	named := func(spans []stdoutSpan, name string) stdoutSpan {
		t.Helper()
		for _, s := range spans {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no span %q among %+v", name, spans)
		return stdoutSpan{}
	}
	callerInv, call := named(callerSpans, "caller"), named(callerSpans, "discovery.call")
	calleeInv, get := named(calleeSpans, "callee"), named(calleeSpans, "cache.get")

	traceID := callerInv.SpanContext.TraceID
	for _, c := range []struct {
		child, parent stdoutSpan
		remote        bool
	}{{call, callerInv, false}, {calleeInv, call, true}, {get, calleeInv, false}} {
		if c.child.SpanContext.TraceID != traceID || c.child.Parent.SpanID != c.parent.SpanContext.SpanID || c.child.Parent.Remote != c.remote {
			t.Errorf("span %s: trace %s, parent %s (remote %v); want trace %s, parent %s %s (remote %v)", c.child.Name,
				c.child.SpanContext.TraceID, c.child.Parent.SpanID, c.child.Parent.Remote, traceID, c.parent.Name, c.parent.SpanContext.SpanID, c.remote)
		}
	}
	if call.attr("lift.discovery.service") != "callee" || call.attr("lift.discovery.instance") != "callee-live" || call.attr("lift.discovery.breaker") != "closed" {
		t.Errorf("discovery span attributes: %+v", call.Attributes)
	}
	if calleeInv.attr("faas.coldstart") != true || calleeInv.attr("faas.name") != "callee" || calleeInv.attr("faas.invocation_id") == nil {
		t.Errorf("callee invocation span attributes: %+v", calleeInv.Attributes)
	}
	if get.attr("lift.cache.tier") != "loader" || get.attr("lift.cache.hit") != false {
		t.Errorf("cache span attributes: %+v", get.Attributes)
	}

	for svc, logs := range map[string][]map[string]any{"caller calling": callerLogs, "callee answered": calleeLogs} {
		found := false
		for _, l := range logs {
			if l["msg"] == svc {
				found = true
				if l["traceId"] != traceID || l["spanId"] == nil {
					t.Errorf("log line %v: traceId %v, want %s", l["msg"], l["traceId"], traceID)
				}
			}
		}
		if !found {
			t.Errorf("no %q log line", svc)
		}
	}
}
