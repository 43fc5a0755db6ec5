package health

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

func TestRun(t *testing.T) {
	pass := func(context.Context) error { return nil }
	fail := func(context.Context) error { return errors.New("db unreachable") }
	warn := func(context.Context) error { return Warn(errors.New("cache degraded")) }
	wrappedWarn := func(context.Context) error { return fmt.Errorf("tier: %w", Warn(errors.New("slow"))) }
	hang := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	ignoresCtx := func(context.Context) error { time.Sleep(time.Hour); return nil }
	panics := func(context.Context) error { panic("boom") }

	tests := []struct {
		name   string
		checks []Check
		want   string
		output map[string]string // check name -> substring of output ("" = none)
	}{
		{"no checks", nil, contract.StatusPass, nil},
		{"all pass", []Check{{"a", pass}, {"b", pass}}, contract.StatusPass, map[string]string{"a": "", "b": ""}},
		{"warn", []Check{{"a", pass}, {"cache", warn}}, contract.StatusWarn, map[string]string{"cache": "cache degraded"}},
		{"wrapped warn", []Check{{"tier", wrappedWarn}}, contract.StatusWarn, map[string]string{"tier": "tier: slow"}},
		{"fail beats warn", []Check{{"cache", warn}, {"db", fail}}, contract.StatusFail, map[string]string{"db": "db unreachable"}},
		{"timeout", []Check{{"slow", hang}, {"a", pass}}, contract.StatusFail, map[string]string{"slow": "timed out"}},
		{"ignores context", []Check{{"stuck", ignoresCtx}}, contract.StatusFail, map[string]string{"stuck": "abandoned"}},
		{"panic", []Check{{"p", panics}}, contract.StatusFail, map[string]string{"p": "panicked: boom"}},
		{"nil fn", []Check{{"n", nil}}, contract.StatusFail, map[string]string{"n": "no function"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(context.Background(), tt.checks, 50*time.Millisecond)
			if r.Status != tt.want {
				t.Fatalf("status %q, want %q: %+v", r.Status, tt.want, r)
			}
			if r.Checks == nil {
				t.Fatal("checks must be an object, never null")
			}
			for name, out := range tt.output {
				res := r.Checks[name]
				if len(res) != 1 {
					t.Fatalf("check %q: want one result, got %+v", name, res)
				}
				c := res[0]
				if c.ComponentID != name || c.ObservedUnit != "ms" || c.ObservedValue < 0 {
					t.Fatalf("bad result %+v", c)
				}
				if _, err := time.Parse(time.RFC3339Nano, c.Time); err != nil {
					t.Fatalf("time %q: %v", c.Time, err)
				}
				if out == "" && c.Output != "" || !strings.Contains(c.Output, out) {
					t.Fatalf("check %q output %q, want it to contain %q", name, c.Output, out)
				}
			}
		})
	}
}

func TestRunChecksAreConcurrent(t *testing.T) {
	// Each check waits until all have started: sequential execution would
	// time out instead of passing.
	const n = 5
	started := make(chan struct{}, n)
	all := make(chan struct{})
	go func() {
		for range n {
			<-started
		}
		close(all)
	}()
	var checks []Check
	for i := range n {
		checks = append(checks, Check{fmt.Sprint("c", i), func(ctx context.Context) error {
			started <- struct{}{}
			select {
			case <-all:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}})
	}
	if r := Run(context.Background(), checks, 5*time.Second); r.Status != contract.StatusPass {
		t.Fatalf("checks did not run concurrently: %+v", r)
	}
}

func TestRunRespectsParentContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := Run(ctx, []Check{{"a", func(ctx context.Context) error { return ctx.Err() }}}, time.Minute)
	if r.Status != contract.StatusFail {
		t.Fatalf("a cancelled parent must fail the checks: %+v", r)
	}
}

func TestDuplicateNamesKeepBothResults(t *testing.T) {
	r := Run(context.Background(), []Check{
		{"db", func(context.Context) error { return nil }},
		{"db", func(context.Context) error { return errors.New("replica down") }},
	}, 0)
	if len(r.Checks["db"]) != 2 || r.Status != contract.StatusFail {
		t.Fatalf("got %+v", r)
	}
}

func TestWarn(t *testing.T) {
	if Warn(nil) != nil {
		t.Fatal("Warn(nil) must be nil")
	}
	base := errors.New("x")
	w := Warn(base)
	if !errors.Is(w, base) || !IsWarn(w) || IsWarn(base) || w.Error() != "x" {
		t.Fatal("Warn must wrap, be detectable and keep the message")
	}
	if StatusOf(nil) != contract.StatusPass || StatusOf(w) != contract.StatusWarn || StatusOf(base) != contract.StatusFail {
		t.Fatal("StatusOf mapping wrong")
	}
	if Worst("pass", "warn") != "warn" || Worst("fail", "warn") != "fail" || Worst("pass", "bogus") != "bogus" {
		t.Fatal("Worst ordering wrong")
	}
}
