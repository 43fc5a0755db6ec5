package report

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/jobs"
)

// fixedNow is a clock for which every month up to 2026-11 has ended.
func fixedNow() time.Time { return time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC) }

func TestWorkReportsProgressThenTheReport(t *testing.T) {
	g := Generator{Steps: 4, StepDelay: time.Millisecond, Now: fixedNow}
	var percents []int
	progress := func(_ context.Context, percent int, note string) error {
		if note == "" {
			t.Errorf("progress %d%% has no note", percent)
		}
		percents = append(percents, percent)
		return nil
	}
	got, err := g.Work(context.Background(), Request{Month: "2026-10", Top: 2}, progress)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(percents, []int{25, 50, 75, 100}) {
		t.Errorf("progress %v, want 25, 50, 75, 100", percents)
	}
	if got.Month != "2026-10" || got.Orders < 4*80 || got.Orders >= 4*120 || got.RevenueCents <= 0 || len(got.TopProducts) != 2 ||
		got.TopProducts[0].Sold < got.TopProducts[1].Sold {
		t.Errorf("report %+v: want 2026-10, 80-119 orders a step, revenue, the 2 best sellers first", got)
	}
	again, err := g.Work(context.Background(), Request{Month: "2026-10", Top: 2}, func(context.Context, int, string) error { return nil })
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Errorf("the same month again gave %+v (%v), want the same report %+v", again, err, got)
	}
	other, _ := g.Work(context.Background(), Request{Month: "2026-09"}, func(context.Context, int, string) error { return nil })
	if other.Orders == got.Orders && other.RevenueCents == got.RevenueCents {
		t.Errorf("2026-09 and 2026-10 gave the same figures %+v", other)
	}
	if len(other.TopProducts) != DefaultTop {
		t.Errorf("top products %v, want the default %d", other.TopProducts, DefaultTop)
	}
}

func TestWorkRefusesMonthsWithoutData(t *testing.T) {
	g := Generator{Steps: 2, StepDelay: time.Millisecond, Now: fixedNow}
	for month, want := range map[string]string{
		"2019-12": "no sales data for 2019-12: the data starts in 2020-01",
		"2026-12": "2026-12 has not ended yet",
		"2026-13": `month "2026-13" is not YYYY-MM`,
	} {
		_, err := g.Work(context.Background(), Request{Month: month}, func(context.Context, int, string) error {
			t.Errorf("%s: progress reported for a month that fails", month)
			return nil
		})
		var pub *jobs.PublicError
		if !errors.As(err, &pub) || pub.Message != want {
			t.Errorf("%s: error %v, want the public error %q", month, err, want)
		}
	}
}

func TestWorkStopsWithItsContext(t *testing.T) {
	g := Generator{Steps: 100, StepDelay: time.Hour, Now: fixedNow}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := g.Work(ctx, Request{Month: "2026-10"}, func(context.Context, int, string) error { return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's deadline", err)
	}
}

func TestWorkFailsWhenProgressCannotBeRecorded(t *testing.T) {
	g := Generator{Steps: 3, StepDelay: time.Millisecond, Now: fixedNow}
	down := errors.New("table unreachable")
	_, err := g.Work(context.Background(), Request{Month: "2026-10"}, func(context.Context, int, string) error { return down })
	if !errors.Is(err, down) {
		t.Fatalf("error %v, want the progress store's", err)
	}
}

func TestGeneratorFromEnv(t *testing.T) {
	t.Setenv(EnvStepDelay, "250ms")
	if g, err := GeneratorFromEnv(); err != nil || g.StepDelay != 250*time.Millisecond {
		t.Errorf("got %+v, %v; want a 250ms step", g, err)
	}
	for _, bad := range []string{"soon", "0s", "-1s", "2m"} {
		t.Setenv(EnvStepDelay, bad)
		if _, err := GeneratorFromEnv(); err == nil {
			t.Errorf("%s=%q accepted", EnvStepDelay, bad)
		}
	}
}

func TestSchema(t *testing.T) {
	for body, valid := range map[string]bool{
		`{"month":"2026-10"}`:          true,
		`{"month":"2026-10","top":10}`: true,
		`{"month":"2026-1"}`:           false,
		`{"month":"2026-10","top":11}`: false,
		`{"month":"2026-10","x":1}`:    false,
		`{}`:                           false,
	} {
		if got := Schema.Validate([]byte(body)) == nil; got != valid {
			t.Errorf("%s: valid = %v, want %v", body, got, valid)
		}
	}
}
