package warmer

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// BenchmarkRun500Targets warms 500 targets of 1-4 environments through the
// fake Lambda (every wave overlaps at once, each answer takes a 5 ms round trip). The baseline is Parallelism 4
// (barely more than the widest target); the others show what bounded
// parallelism buys.
func BenchmarkRun500Targets(b *testing.B) {
	for _, parallelism := range []int{4, 40, 200} {
		name := "parallelism=" + strconv.Itoa(parallelism)
		if parallelism == 4 {
			name += "(baseline)"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				fake := newFake()
				in := contract.WarmerInput{HoldMs: 3000, Parallelism: parallelism}
				for i := range 500 {
					n := "fn" + strconv.Itoa(i)
					c := 1 + i%4
					fake.add(arn(n), &fakeFunction{releaseAt: c, latency: 5 * time.Millisecond})
					in.Targets = append(in.Targets, contract.WarmerTarget{Name: n, ARN: arn(n), Concurrency: c})
				}
				w := New(fake, WithMetrics(&recordingMetrics{}), quiet())
				b.StartTimer()
				rep, err := w.Run(context.Background(), in)
				if err != nil || rep.Targets[499].Warmed != 4 {
					b.Fatalf("run: %v %+v", err, rep.Targets[499])
				}
			}
		})
	}
}
