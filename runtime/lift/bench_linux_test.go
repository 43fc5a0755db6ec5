package lift

import (
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/aws/aws-lambda-go/lambda"
)

// threadCPU is this OS thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

// BenchmarkInvokePaired is BenchmarkInvoke made robust to a noisy machine:
// bare and Lift handlers run in alternating batches on one locked OS thread,
// each batch timed by the thread's own CPU clock, so load swings hit both
// sides alike. It reports each side's CPU ns/op and lift/bare as a ratio.
func BenchmarkInvokePaired(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ctx := benchContext()
	bare := lambda.NewHandler(orderHandler)
	lifted := benchLift(b)
	const batch = 200
	var bareCPU, liftCPU time.Duration
	var ops int
	for b.Loop() {
		t0 := threadCPU()
		for range batch {
			_, _ = bare.Invoke(ctx, benchEvent)
		}
		t1 := threadCPU()
		for range batch {
			_, _ = lifted.Invoke(ctx, benchEvent)
		}
		t2 := threadCPU()
		bareCPU += t1 - t0
		liftCPU += t2 - t1
		ops += batch
	}
	b.ReportMetric(float64(bareCPU.Nanoseconds())/float64(ops), "bare-cpu-ns/op")
	b.ReportMetric(float64(liftCPU.Nanoseconds())/float64(ops), "lift-cpu-ns/op")
	b.ReportMetric(float64(liftCPU)/float64(bareCPU), "lift/bare")
}
