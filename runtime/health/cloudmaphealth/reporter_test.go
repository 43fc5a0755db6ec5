package cloudmaphealth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/internal/fakeclock"
)

type fakeAPI struct {
	mu    sync.Mutex
	sent  []types.CustomHealthStatus
	fail  error
	input *servicediscovery.UpdateInstanceCustomHealthStatusInput
}

func (f *fakeAPI) UpdateInstanceCustomHealthStatus(_ context.Context, in *servicediscovery.UpdateInstanceCustomHealthStatusInput, _ ...func(*servicediscovery.Options)) (*servicediscovery.UpdateInstanceCustomHealthStatusOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.input = in
	if f.fail != nil {
		return nil, f.fail
	}
	f.sent = append(f.sent, in.Status)
	return &servicediscovery.UpdateInstanceCustomHealthStatusOutput{}, nil
}

func (f *fakeAPI) calls() []types.CustomHealthStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]types.CustomHealthStatus(nil), f.sent...)
}

func newTestReporter(t *testing.T, opts ...Option) (*Reporter, *fakeAPI, *fakeclock.Clock) {
	t.Helper()
	api, clk := &fakeAPI{}, fakeclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r, err := New(api, "srv-123", "orders-fn", append([]Option{WithClock(clk)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r, api, clk
}

func TestReportsOnlyChangesRateLimited(t *testing.T) {
	r, api, clk := newTestReporter(t)
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		status  string
		want    []types.CustomHealthStatus // every call so far
	}{
		{0, contract.StatusPass, []types.CustomHealthStatus{"HEALTHY"}},           // first report always goes
		{time.Second, contract.StatusPass, []types.CustomHealthStatus{"HEALTHY"}}, // unchanged
		{time.Second, contract.StatusWarn, []types.CustomHealthStatus{"HEALTHY"}}, // warn is healthy
		{time.Second, contract.StatusFail, []types.CustomHealthStatus{"HEALTHY"}}, // changed but rate-limited
		{10 * time.Second, contract.StatusFail, []types.CustomHealthStatus{"HEALTHY", "UNHEALTHY"}},
		{time.Second, contract.StatusPass, []types.CustomHealthStatus{"HEALTHY", "UNHEALTHY"}}, // limited again
		{10 * time.Second, contract.StatusPass, []types.CustomHealthStatus{"HEALTHY", "UNHEALTHY", "HEALTHY"}},
		{DefaultReassert, contract.StatusPass, []types.CustomHealthStatus{"HEALTHY", "UNHEALTHY", "HEALTHY", "HEALTHY"}}, // re-asserted
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		if err := r.ReportHealth(ctx, s.status); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := api.calls(); strings.Join(toStrings(got), ",") != strings.Join(toStrings(s.want), ",") {
			t.Fatalf("step %d (%s): calls %v, want %v", i, s.status, got, s.want)
		}
	}
	if aws.ToString(api.input.ServiceId) != "srv-123" || aws.ToString(api.input.InstanceId) != "orders-fn" {
		t.Fatalf("input = %+v", api.input)
	}
}

func toStrings(s []types.CustomHealthStatus) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

func TestWarnCanMeanUnhealthy(t *testing.T) {
	r, api, _ := newTestReporter(t, WithWarnStatus(types.CustomHealthStatusUnhealthy))
	if err := r.ReportHealth(context.Background(), contract.StatusWarn); err != nil {
		t.Fatal(err)
	}
	if got := api.calls(); len(got) != 1 || got[0] != types.CustomHealthStatusUnhealthy {
		t.Fatalf("calls = %v", got)
	}
}

func TestFailedReportIsRetriedAfterTheInterval(t *testing.T) {
	r, api, clk := newTestReporter(t)
	api.fail = &types.CustomHealthNotFound{Message: aws.String("no custom health config")}
	err := r.ReportHealth(context.Background(), contract.StatusFail)
	var nf *types.CustomHealthNotFound
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "orders-fn") {
		t.Fatalf("err = %v, want the Cloud Map error naming the instance", err)
	}
	api.fail = nil
	if err := r.ReportHealth(context.Background(), contract.StatusFail); err != nil || len(api.calls()) != 0 {
		t.Fatalf("retry inside the interval: %v, calls %v", err, api.calls())
	}
	clk.Advance(DefaultMinInterval)
	if err := r.ReportHealth(context.Background(), contract.StatusFail); err != nil || len(api.calls()) != 1 {
		t.Fatalf("retry after the interval: %v, calls %v", err, api.calls())
	}
}

func TestUnknownStatus(t *testing.T) {
	r, api, _ := newTestReporter(t)
	if err := r.ReportHealth(context.Background(), "ok"); !errors.Is(err, ErrUnknownStatus) || !strings.Contains(err.Error(), `"ok"`) {
		t.Fatalf("err = %v", err)
	}
	if len(api.calls()) != 0 {
		t.Fatal("an unknown status reached Cloud Map")
	}
}

func TestConcurrentReportsMakeOneCall(t *testing.T) {
	r, api, _ := newTestReporter(t)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			status := contract.StatusPass
			if i%2 == 0 {
				status = contract.StatusFail
			}
			if err := r.ReportHealth(context.Background(), status); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(api.calls()); n != 1 {
		t.Fatalf("64 concurrent reports made %d calls, want 1", n)
	}
}

func TestNewValidates(t *testing.T) {
	api := &fakeAPI{}
	cases := map[string]func() (*Reporter, error){
		"nil api":        func() (*Reporter, error) { return New(nil, "s", "i") },
		"no service":     func() (*Reporter, error) { return New(api, "", "i") },
		"no instance":    func() (*Reporter, error) { return New(api, "s", "") },
		"bad warn":       func() (*Reporter, error) { return New(api, "s", "i", WithWarnStatus("MEH")) },
		"reassert < min": func() (*Reporter, error) { return New(api, "s", "i", WithReassert(time.Second)) },
		"zero timeout":   func() (*Reporter, error) { return New(api, "s", "i", WithTimeout(0)) },
	}
	for name, f := range cases {
		if _, err := f(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
		}
	}
}

func TestFromEnvNamesMissingVariable(t *testing.T) {
	t.Setenv(contract.EnvDiscoveryServiceID, "srv-1")
	t.Setenv(contract.EnvDiscoveryInstanceID, "")
	_, err := FromEnv(context.Background(), aws.Config{Region: "us-east-1"})
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), contract.EnvDiscoveryInstanceID) {
		t.Fatalf("err = %v, want ErrInvalidConfig naming %s", err, contract.EnvDiscoveryInstanceID)
	}
	t.Setenv(contract.EnvDiscoveryInstanceID, "fn")
	if _, err := FromEnv(context.Background(), aws.Config{Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
}
