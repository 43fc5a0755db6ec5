package discovery

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/aws/smithy-go"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/fakeclock"
	"github.com/liftcdk/lift/runtime/metrics"
)

// newFakeClock is the settable clock the resolver and client tests use.
func newFakeClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
}

// fakeCloudMap is an in-memory Cloud Map with call counters, failure
// injection and a gate to hold calls in flight.
type fakeCloudMap struct {
	mu        sync.Mutex
	services  map[string][]types.HttpInstanceSummary
	revisions map[string]int64
	fail      error
	gate      chan struct{} // when set, calls wait on it
	entered   chan struct{} // when set, receives once per call entering
	lastInput *servicediscovery.DiscoverInstancesInput

	revisionCalls  atomic.Int64
	discoveryCalls atomic.Int64
}

func newFakeCloudMap() *fakeCloudMap {
	return &fakeCloudMap{services: map[string][]types.HttpInstanceSummary{}, revisions: map[string]int64{}}
}

// set replaces the instances of service and bumps its revision.
func (f *fakeCloudMap) set(service string, instances ...types.HttpInstanceSummary) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.services[service] = instances
	f.revisions[service]++
}

// setHealth changes one instance's health without moving the revision, as Cloud Map does.
func (f *fakeCloudMap) setHealth(service, id string, h types.HealthStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.services[service] {
		if aws.ToString(f.services[service][i].InstanceId) == id {
			f.services[service][i].HealthStatus = h
		}
	}
}

func (f *fakeCloudMap) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

func (f *fakeCloudMap) wait(ctx context.Context) error {
	f.mu.Lock()
	gate, entered := f.gate, f.entered
	f.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fail
}

func (f *fakeCloudMap) DiscoverInstances(ctx context.Context, in *servicediscovery.DiscoverInstancesInput, _ ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesOutput, error) {
	f.discoveryCalls.Add(1)
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastInput = in
	svc := aws.ToString(in.ServiceName)
	all, ok := f.services[svc]
	if !ok {
		return nil, &types.ServiceNotFound{Message: aws.String("service " + svc)}
	}
	var healthy []types.HttpInstanceSummary
	for _, s := range all {
		if s.HealthStatus != types.HealthStatusUnhealthy {
			healthy = append(healthy, s)
		}
	}
	out := healthy
	if in.HealthStatus == types.HealthStatusFilterHealthyOrElseAll && len(healthy) == 0 {
		out = all
	}
	return &servicediscovery.DiscoverInstancesOutput{Instances: append([]types.HttpInstanceSummary(nil), out...), InstancesRevision: aws.Int64(f.revisions[svc])}, nil
}

func (f *fakeCloudMap) DiscoverInstancesRevision(ctx context.Context, in *servicediscovery.DiscoverInstancesRevisionInput, _ ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesRevisionOutput, error) {
	f.revisionCalls.Add(1)
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	svc := aws.ToString(in.ServiceName)
	if _, ok := f.services[svc]; !ok {
		return nil, &types.ServiceNotFound{Message: aws.String("service " + svc)}
	}
	return &servicediscovery.DiscoverInstancesRevisionOutput{InstancesRevision: aws.Int64(f.revisions[svc])}, nil
}

func lambdaInstance(id string, weight int) types.HttpInstanceSummary {
	attrs := map[string]string{
		contract.AttrFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:" + id + ":live",
		contract.AttrProtocol:    contract.ProtocolLambda,
		contract.AttrAlias:       "live",
		contract.AttrRegion:      "us-east-1",
	}
	if weight != 1 {
		attrs[contract.AttrWeight] = fmt.Sprint(weight)
	}
	return types.HttpInstanceSummary{InstanceId: aws.String(id), Attributes: attrs, HealthStatus: types.HealthStatusHealthy}
}

// fakeLambda answers Invoke per function ARN with a scripted behaviour.
type fakeLambda struct {
	mu      sync.Mutex
	handler func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error)
	calls   map[string]int
	starts  []time.Time
	inputs  []*lambda.InvokeInput
}

func newFakeLambda(h func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error)) *fakeLambda {
	return &fakeLambda{handler: h, calls: map[string]int{}}
}

func (f *fakeLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.mu.Lock()
	f.calls[aws.ToString(in.FunctionName)]++
	f.starts = append(f.starts, time.Now())
	f.inputs = append(f.inputs, in)
	h := f.handler
	f.mu.Unlock()
	return h(ctx, in)
}

func (f *fakeLambda) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *fakeLambda) callsTo(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls["arn:aws:lambda:us-east-1:123456789012:function:"+id+":live"]
}

func okLambda(_ context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
	return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(`"from ` + aws.ToString(in.FunctionName) + `"`)}, nil
}

func functionError(_ context.Context, _ *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
	return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"boom"}`)}, nil
}

var errCloudMapDown = &smithy.GenericAPIError{Code: "ServiceUnavailable", Message: "cloud map is down", Fault: smithy.FaultServer}

// metricSink captures EMF lines from a private metrics writer.
type metricSink struct {
	buf bytes.Buffer
	w   *metrics.Writer
}

func newMetricSink() *metricSink {
	s := &metricSink{}
	s.w = metrics.New(&s.buf, "LiftTest")
	return s
}

// values flushes and returns metric name -> value for one target.
func (s *metricSink) values(t *testing.T, target string) map[string]float64 {
	t.Helper()
	s.w.Flush()
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(s.buf.Bytes()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("EMF line is not JSON: %v: %s", err, sc.Text())
		}
		if line[contract.DimTarget] != target {
			continue
		}
		for k, v := range line {
			if f, ok := v.(float64); ok {
				out[k] += f
			}
		}
	}
	s.buf.Reset()
	return out
}

// mustResolver and mustClient take the same options and use those meant for
// them, so that a test can give both one list.
func mustResolver(t testing.TB, api CloudMapAPI, opts ...Option) *Resolver {
	t.Helper()
	r, err := NewResolver(api, "lift-test", optionsFor(forResolver, opts)...)
	if err != nil {
		t.Fatalf("NewResolver: %v", err)
	}
	return r
}

func mustClient(t testing.TB, r *Resolver, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(r, optionsFor(forClient, opts)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

var _ = errors.New
