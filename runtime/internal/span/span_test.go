package span

import (
	"context"
	"errors"
	"testing"
)

// TestOffCostsNothing: with no tracer installed, the calls the runtime makes
// on its hot paths allocate nothing and record nothing.
func TestOffCostsNothing(t *testing.T) {
	Install(nil)
	ctx := context.Background()
	set := func(string, string) { t.Fatal("Inject wrote a header with tracing off") }
	err := errors.New("boom")
	allocs := testing.AllocsPerRun(100, func() {
		c, s := Start(ctx, "cache.get", Client)
		if s.Recording() || c != ctx {
			t.Fatal("a span recorded with tracing off")
		}
		s.SetString("k", "v")
		s.SetInt("k", 1)
		s.SetBool("k", true)
		s.End(err)
		Inject(ctx, set)
		if tid, sid := IDs(ctx); tid != "" || sid != "" {
			t.Fatal("ids with tracing off")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per call with tracing off, want 0", allocs)
	}
}

type fakeTracer struct{ started []string }

func (f *fakeTracer) Start(ctx context.Context, name string, _ Kind) (context.Context, Recorder) {
	f.started = append(f.started, name)
	return ctx, &fakeRecorder{}
}
func (*fakeTracer) Extract(ctx context.Context, _ func(string) string) context.Context { return ctx }
func (*fakeTracer) Inject(_ context.Context, set func(string, string))                 { set("traceparent", "tp") }
func (*fakeTracer) IDs(context.Context) (string, string)                               { return "t", "s" }

type fakeRecorder struct{ ended error }

func (*fakeRecorder) SetString(string, string) {}
func (*fakeRecorder) SetInt(string, int64)     {}
func (*fakeRecorder) SetBool(string, bool)     {}
func (r *fakeRecorder) End(err error)          { r.ended = err }

func TestInstalledTracerRecords(t *testing.T) {
	f := &fakeTracer{}
	Install(f)
	t.Cleanup(func() { Install(nil) })
	_, s := Start(context.Background(), "discovery.call", Client)
	boom := errors.New("boom")
	s.End(boom)
	var got string
	Inject(context.Background(), func(_, v string) { got = v })
	if !Enabled() || !s.Recording() || len(f.started) != 1 || s.r.(*fakeRecorder).ended != boom || got != "tp" {
		t.Fatalf("installed tracer: started %v, recording %v, injected %q", f.started, s.Recording(), got)
	}
}
