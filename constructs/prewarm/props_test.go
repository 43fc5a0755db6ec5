package prewarm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/prewarm"
)

// noBundling skips the Go builds: these tests fail before any template exists.
var noBundling = cdktest.WithContext("aws:cdk:bundling-stacks", []string{})

func wantSays(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\ndoes not say %q", err, p)
		}
	}
}

func TestBadProps(t *testing.T) {
	app, stack := cdktest.NewStack(t, "BadProps", noBundling)
	_ = app
	fn := newTarget(stack, "Fn", jsii.Number(2))
	live := fn.AddAlias(jsii.String("live"), nil)
	other := newTarget(stack, "Other", nil)
	w := prewarm.NewWarmer(stack, jsii.String(prewarm.WarmerID), &prewarm.WarmerProps{Parallelism: jsii.Number(10)})
	w.AddTarget(other.CurrentVersion(), &prewarm.TargetOptions{Name: jsii.String("taken")})

	t.Run("warmer", func(t *testing.T) {
		tests := []struct {
			name  string
			props *prewarm.WarmerProps
			says  []string
		}{
			{"hold too long", &prewarm.WarmerProps{Hold: awscdk.Duration_Seconds(jsii.Number(6))}, []string{"W/Warmer: Hold is 6 seconds", "5000 ms"}},
			{"budget too long", &prewarm.WarmerProps{Budget: awscdk.Duration_Minutes(jsii.Number(20))}, []string{"Budget is 20 minutes", "840 s"}},
			{"budget under two holds", &prewarm.WarmerProps{Hold: awscdk.Duration_Seconds(jsii.Number(4)), Budget: awscdk.Duration_Seconds(jsii.Number(5))}, []string{"Budget is 5 seconds: it is shorter than two holds"}},
			{"parallelism 0", &prewarm.WarmerProps{Parallelism: jsii.Number(0)}, []string{"Parallelism is 0", "1 to 1000"}},
			{"no schedules", &prewarm.WarmerProps{Schedules: &[]awsscheduler.ScheduleExpression{}}, []string{"Schedules is empty"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, s := cdktest.NewStack(t, "W", noBundling)
				err := cdktest.SynthError(t, prewarm.ErrInvalidProps, func() { prewarm.NewWarmer(s, jsii.String("Warmer"), tt.props) })
				wantSays(t, err, tt.says...)
			})
		}
		t.Run("bad architecture context", func(t *testing.T) {
			_, s := cdktest.NewStack(t, "W", noBundling, cdktest.WithContext(prewarm.ArchitectureContext, "sparc"))
			err := cdktest.SynthError(t, prewarm.ErrInvalidProps, func() { prewarm.NewWarmer(s, jsii.String("Warmer"), nil) })
			wantSays(t, err, "context lift:architecture is sparc", "WarmerProps.Architecture")
		})
		t.Run("second warmer in a stack", func(t *testing.T) {
			err := cdktest.SynthError(t, prewarm.ErrInvalidProps, func() { prewarm.NewWarmer(stack, jsii.String("Another"), nil) })
			wantSays(t, err, "BadProps/Another: NewWarmer is a second warmer in stack BadProps (it has BadProps/LiftWarmer)", "prewarm.WarmerOf(stack).AddTarget")
		})
	})

	t.Run("target", func(t *testing.T) {
		tests := []struct {
			name string
			add  func()
			says []string
		}{
			{"unqualified function", func() { w.AddTarget(fn, nil) }, []string{"BadProps/LiftWarmer: AddTarget(target) is BadProps/Fn/Function (an unqualified function)", `fn.AddAlias("live")`}},
			{"$LATEST", func() { w.AddTarget(fn.LatestVersion(), nil) }, []string{"AddTarget(target) is BadProps/Fn/Function/$LATEST ($LATEST)", "published version"}},
			{"concurrency 0", func() { w.AddTarget(live, &prewarm.TargetOptions{Concurrency: jsii.Number(0)}) }, []string{"TargetOptions.Concurrency is 0", "1 or more"}},
			{"fractional concurrency", func() { w.AddTarget(live, &prewarm.TargetOptions{Concurrency: jsii.Number(1.5)}) }, []string{"TargetOptions.Concurrency is 1.5", "whole number"}},
			{"above reserved concurrency", func() { w.AddTarget(live, &prewarm.TargetOptions{Concurrency: jsii.Number(3)}) }, []string{"TargetOptions.Concurrency is 3: it is above BadProps/Fn/Function's reserved concurrency 2", "raise ReservedConcurrentExecutions"}},
			{"above parallelism", func() {
				w.AddTarget(other.CurrentVersion(), &prewarm.TargetOptions{Concurrency: jsii.Number(11), Name: jsii.String("wide")})
			}, []string{"TargetOptions.Concurrency is 11: it is above the warmer's Parallelism 10", "raise WarmerProps.Parallelism"}},
			{"duplicate name", func() { w.AddTarget(live, &prewarm.TargetOptions{Name: jsii.String("taken")}) }, []string{`TargetOptions.Name is "taken": it is already a target`}},
			{"dollar in name", func() { w.AddTarget(live, &prewarm.TargetOptions{Name: jsii.String("a${b}")}) }, []string{`TargetOptions.Name is "a${b}"`, "'$'"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { wantSays(t, cdktest.SynthError(t, prewarm.ErrInvalidProps, tt.add), tt.says...) })
		}
	})

	t.Run("provisioned", func(t *testing.T) {
		window := func(minCap, maxCap float64) *[]*prewarm.Window {
			return &[]*prewarm.Window{{Start: weekdaysAt("8"), End: weekdaysAt("20"), MinCapacity: jsii.Number(minCap), MaxCapacity: jsii.Number(maxCap)}}
		}
		tests := []struct {
			name  string
			props *prewarm.ProvisionedProps
			says  []string
		}{
			{"no function", &prewarm.ProvisionedProps{}, []string{"BadProps/Pc0: Function is unset"}},
			{"$LATEST", &prewarm.ProvisionedProps{Function: other, Version: other.LatestVersion()}, []string{`Version is "$LATEST"`, "CurrentVersion"}},
			{"window minimum above maximum", &prewarm.ProvisionedProps{Function: other, Windows: window(8, 5)}, []string{"Windows[0].MinCapacity is 8: it is above the window's MaxCapacity 5"}},
			{"maximum below minimum", &prewarm.ProvisionedProps{Function: other, MinCapacity: jsii.Number(4), MaxCapacity: jsii.Number(2)}, []string{"MaxCapacity is 2: it is below MinCapacity 4"}},
			{"above reserved concurrency", &prewarm.ProvisionedProps{Function: fn, MinCapacity: jsii.Number(1), MaxCapacity: jsii.Number(3)}, []string{"MaxCapacity is 3: it is above the function's reserved concurrency 2"}},
			{"window above reserved concurrency", &prewarm.ProvisionedProps{Function: fn, Windows: window(2, 4)}, []string{"Windows[0].MaxCapacity is 4: it is above the function's reserved concurrency 2"}},
			{"zero without windows", &prewarm.ProvisionedProps{Function: other, MinCapacity: jsii.Number(0)}, []string{"MinCapacity is 0 without Windows"}},
			{"utilization out of range", &prewarm.ProvisionedProps{Function: other, UtilizationTarget: jsii.Number(1.5)}, []string{"UtilizationTarget is 1.5", "between 0 and 1"}},
			{"numeric alias name", &prewarm.ProvisionedProps{Function: other, AliasName: jsii.String("123")}, []string{`AliasName is "123"`}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := cdktest.SynthError(t, prewarm.ErrInvalidProps, func() { prewarm.NewProvisioned(stack, jsii.String(fmt.Sprint("Pc", i)), tt.props) })
				wantSays(t, err, tt.says...)
			})
		}
	})
}

func TestWarmerWithoutTargetsFailsSynth(t *testing.T) {
	app, stack := cdktest.NewStack(t, "Empty", noBundling)
	w := prewarm.WarmerOf(stack)
	if *w.Node().Id() != prewarm.WarmerID {
		t.Fatalf("WarmerOf made %q, want id %q", *w.Node().Id(), prewarm.WarmerID)
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "the warmer has no targets") {
			t.Fatalf("synth = %v, want a validation error saying the warmer has no targets", r)
		}
	}()
	app.Synth(nil)
}

func TestWarmerArchitectureFollowsContext(t *testing.T) {
	for ctx, want := range map[string]string{"": "arm64", "arm64": "arm64", "x86_64": "x86_64"} {
		var opts []cdktest.Option
		opts = append(opts, noBundling)
		if ctx != "" {
			opts = append(opts, cdktest.WithContext(prewarm.ArchitectureContext, ctx))
		}
		_, stack := cdktest.NewStack(t, "Arch", opts...)
		if got := *prewarm.WarmerOf(stack).Function.Architecture().Name(); got != want {
			t.Errorf("context %q: warmer architecture %s, want %s", ctx, got, want)
		}
	}
}
