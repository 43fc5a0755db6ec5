package lift

import (
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// BenchmarkHTTPAdapterPaired is BenchmarkHTTPAdapter made robust to a noisy
// machine, as BenchmarkInvokePaired is: the three handlers run in
// alternating batches on one locked OS thread, each timed by the thread's
// CPU clock. It reports each side's CPU ns/op and the ratios lift/bare
// (goal ≤ 1.15) and lift/api-proxy (goal < 1).
func BenchmarkHTTPAdapterPaired(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ctx := benchContext()
	payload := fixture(b, "apigateway-v2.json")
	sides := []lambda.Handler{
		lambda.NewHandler(itemEvent),
		benchHTTPLift(b, itemMux()),
		lambda.NewHandler(httpadapter.NewV2(itemMux()).ProxyWithContext),
	}
	const batch = 50
	cpu := make([]time.Duration, len(sides))
	var ops int
	for b.Loop() {
		for i, h := range sides {
			t0 := threadCPU()
			for range batch {
				_, _ = h.Invoke(ctx, payload)
			}
			cpu[i] += threadCPU() - t0
		}
		ops += batch
	}
	for i, name := range []string{"bare", "lift", "api-proxy"} {
		b.ReportMetric(float64(cpu[i].Nanoseconds())/float64(ops), name+"-cpu-ns/op")
	}
	b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "lift/bare")
	b.ReportMetric(float64(cpu[1])/float64(cpu[2]), "lift/api-proxy")
}
