package valkeycache_test

import (
	"context"
	"io"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/metrics"
)

// BenchmarkTieredHitVsRawGet: a tiered GetOrLoad whose memory tier misses and
// whose value is served by valkey-server on loopback (no TLS), against a raw valkey-go GET of
// the same key on the same client. The two are interleaved op by op so they
// see the same machine load; p50 and p99 of each come from the timed ops.
// Target: tiered p50 at most 1.1x raw p50. bytes-p50-ratio is GetOrLoad[[]byte]
// with the Bytes codec, which returns what a raw GET returns; p50-ratio adds a
// JSON decode of the value into a struct, work a raw GET leaves to its caller.
func BenchmarkTieredHitVsRawGet(b *testing.B) {
	r := testsvc.Redis(b, testsvc.RedisOptions{Binary: "valkey-server"})
	l2 := connect(b, r, false)
	tc := tiered(b, l2, metrics.New(io.Discard, "Bench"))
	ctx := context.Background()
	type product struct {
		ID    string  `json:"id"`
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	load := func(context.Context) (product, error) { return product{"p-1", "widget", 9.5}, nil }
	if _, err := cache.GetOrLoad(ctx, tc, "p-1", time.Hour, load); err != nil {
		b.Fatal(err)
	}
	client := l2.Client()
	getCmd := func() { _ = client.Do(ctx, client.B().Get().Key("p-1").Build()).Error() }
	mem := tc.Memory()

	rawValue := []byte(`{"id":"p-1","name":"widget","price":9.5}`)
	if _, err := cache.GetOrLoad(ctx, tc, "p-1-bytes", time.Hour, func(context.Context) ([]byte, error) { return rawValue, nil },
		cache.WithCodec(cache.Bytes)); err != nil {
		b.Fatal(err)
	}

	// The memory fill after an L2 hit runs beside the request: wait for it
	// (untimed) before the next forced miss, so a late fill cannot turn the
	// next measured L2 hit into a memory hit.
	filled := func(key string) {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); runtime.Gosched() {
			if _, err := mem.Get(ctx, key); err == nil {
				return
			}
		}
		b.Fatalf("memory not filled after an L2 hit of %q", key)
	}
	var raw, rawTimeout, tierGet, tiered, tieredBytes []time.Duration
	for b.Loop() {
		start := time.Now()
		getCmd()
		raw = append(raw, time.Since(start))

		start = time.Now()
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		_ = client.Do(tctx, client.B().Get().Key("p-1").Build()).Error()
		cancel()
		rawTimeout = append(rawTimeout, time.Since(start))

		_ = mem.Delete(ctx, "p-1") // untimed: force the memory miss
		start = time.Now()
		if _, err := tc.Get(ctx, "p-1"); err != nil {
			b.Fatal(err)
		}
		tierGet = append(tierGet, time.Since(start))
		filled("p-1")

		_ = mem.Delete(ctx, "p-1")
		start = time.Now()
		if _, err := cache.GetOrLoad(ctx, tc, "p-1", time.Hour, func(context.Context) (product, error) {
			b.Fatal("loader ran: the value should come from Valkey")
			return product{}, nil
		}); err != nil {
			b.Fatal(err)
		}
		tiered = append(tiered, time.Since(start))
		filled("p-1")

		// Like for like with the raw GET: bytes in, bytes out, no JSON decode.
		_ = mem.Delete(ctx, "p-1-bytes")
		start = time.Now()
		if _, err := cache.GetOrLoad(ctx, tc, "p-1-bytes", time.Hour, func(context.Context) ([]byte, error) {
			b.Fatal("loader ran: the value should come from Valkey")
			return nil, nil
		}, cache.WithCodec(cache.Bytes)); err != nil {
			b.Fatal(err)
		}
		tieredBytes = append(tieredBytes, time.Since(start))
		filled("p-1-bytes")
	}
	rawP50, tierP50 := pct(raw, 50), pct(tiered, 50)
	b.ReportMetric(float64(rawP50.Nanoseconds()), "raw-p50-ns")
	b.ReportMetric(float64(tierP50.Nanoseconds()), "tiered-p50-ns")
	b.ReportMetric(float64(pct(raw, 99).Nanoseconds()), "raw-p99-ns")
	b.ReportMetric(float64(pct(tiered, 99).Nanoseconds()), "tiered-p99-ns")
	b.ReportMetric(float64(tierP50)/float64(rawP50), "p50-ratio")
	b.ReportMetric(float64(pct(tieredBytes, 50))/float64(rawP50), "bytes-p50-ratio")
	// The same GET bounded by a context deadline, as every tiered L2 call is:
	// the part of the gap that is the price of the timeout itself.
	b.ReportMetric(float64(pct(rawTimeout, 50).Nanoseconds()), "raw-timeout-p50-ns")
	b.ReportMetric(float64(tierP50)/float64(pct(rawTimeout, 50)), "p50-ratio-vs-bounded-get")
	// Tiered.Get alone (no envelope or JSON decode): the byte-level tier's share.
	b.ReportMetric(float64(pct(tierGet, 50).Nanoseconds()), "tiered-get-p50-ns")
	b.ReportMetric(float64(pct(tierGet, 50))/float64(rawP50), "tiered-get-p50-ratio")
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}
