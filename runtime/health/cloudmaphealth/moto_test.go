package cloudmaphealth_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/health/cloudmaphealth"
	"github.com/liftcdk/lift/runtime/internal/fakeclock"
)

// The reporter against moto's Cloud Map, read back with GetInstancesHealthStatus
// and DiscoverInstances (HEALTHY filter).
func TestReporterAgainstMoto(t *testing.T) {
	m := testsvc.Moto(t)
	cfg := m.AWSConfig(t)
	ctx := context.Background()
	sd := servicediscovery.NewFromConfig(cfg)
	ns, serviceID := m.CloudMapService(t, "lift-health-", "orders")
	if _, err := sd.RegisterInstance(ctx, &servicediscovery.RegisterInstanceInput{ServiceId: aws.String(serviceID), InstanceId: aws.String("orders-fn"),
		Attributes: map[string]string{contract.AttrFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:orders:live"}}); err != nil {
		t.Fatal(err)
	}

	t.Setenv(contract.EnvDiscoveryServiceID, serviceID)
	t.Setenv(contract.EnvDiscoveryInstanceID, "orders-fn")
	clk := fakeclock.New(time.Now())
	rep, err := cloudmaphealth.FromEnv(ctx, cfg, cloudmaphealth.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	health := func() types.HealthStatus {
		t.Helper()
		out, err := sd.GetInstancesHealthStatus(ctx, &servicediscovery.GetInstancesHealthStatusInput{ServiceId: aws.String(serviceID)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Status["orders-fn"]
	}
	if err := rep.ReportHealth(ctx, contract.StatusFail); err != nil {
		t.Fatalf("report fail: %v", err)
	}
	if got := health(); got != types.HealthStatusUnhealthy {
		t.Fatalf("after fail: %s, want UNHEALTHY", got)
	}
	if n := healthyInstances(t, cfg, ns); n != 0 {
		t.Fatalf("DiscoverInstances HEALTHY after fail: %d instances, want 0", n)
	}
	clk.Advance(cloudmaphealth.DefaultMinInterval)
	if err := rep.ReportHealth(ctx, contract.StatusPass); err != nil {
		t.Fatalf("report pass: %v", err)
	}
	if got := health(); got != types.HealthStatusHealthy {
		t.Fatalf("after pass: %s, want HEALTHY", got)
	}
	if n := healthyInstances(t, cfg, ns); n != 1 {
		t.Fatalf("DiscoverInstances HEALTHY after pass: %d instances, want 1", n)
	}
	// Unchanged and inside the min interval: no call, status stays.
	if err := rep.ReportHealth(ctx, contract.StatusFail); err != nil || health() != types.HealthStatusHealthy {
		t.Fatalf("rate limit: %v, %s", err, health())
	}
}

// healthyInstances is what discovery sees: the HEALTHY filter of DiscoverInstances.
func healthyInstances(t *testing.T, cfg aws.Config, ns string) int {
	t.Helper()
	out, err := discovery.NewCloudMapClient(cfg).DiscoverInstances(context.Background(), &servicediscovery.DiscoverInstancesInput{
		NamespaceName: aws.String(ns), ServiceName: aws.String("orders"), HealthStatus: types.HealthStatusFilterHealthy})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Instances)
}
