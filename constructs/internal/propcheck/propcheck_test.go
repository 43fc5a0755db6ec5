package propcheck_test

import (
	"errors"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

var (
	errPart      = errors.New("invalid part props")
	errComposite = errors.New("invalid composite props")
)

func TestOneErrorListsEveryProblem(t *testing.T) {
	c := propcheck.New(errPart, "Shop/orders")
	if c.Err() != nil {
		t.Fatal("no problem yet, but Err is not nil")
	}
	c.Add("MemorySize", jsii.Number(64), "use %d to %d", 128, 10240)
	c.AddAt("Shop/other", "Name", (*string)(nil), "set it")
	err := c.Err()
	want := "invalid part props: 2 problems:\n" +
		"  - Shop/orders: MemorySize is 64: use 128 to 10240\n" +
		"  - Shop/other: Name is unset: set it"
	if err.Error() != want || !errors.Is(err, errPart) {
		t.Fatalf("error = %q, want %q wrapping errPart", err, want)
	}
}

func TestWithinWrapsTheCompositeSentinel(t *testing.T) {
	defer func() {
		err, _ := recover().(error)
		var pe *propcheck.Error
		if !errors.Is(err, errComposite) || !errors.Is(err, errPart) || !errors.As(err, &pe) || len(pe.Problems) != 1 {
			t.Fatalf("panic = %v, want one problem wrapping both sentinels", err)
		}
		if err.Error() != `invalid composite props: Shop/orders/Function: Entry is "": set it` {
			t.Fatalf("error = %q", err)
		}
	}()
	propcheck.Within(errComposite, func() {
		c := propcheck.New(errPart, "Shop/orders/Function")
		c.Add("Entry", "", "set it")
		c.Check()
	})
}

func TestWithinPassesOtherPanicsThrough(t *testing.T) {
	defer func() {
		if r := recover(); r != "jsii: boom" {
			t.Fatalf("panic = %v, want the original value", r)
		}
	}()
	propcheck.Within(errComposite, func() { panic("jsii: boom") })
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, "unset"}, {(*float64)(nil), "unset"}, {jsii.String("a"), `"a"`}, {"b", `"b"`},
		{jsii.Number(5e9), "5000000000"}, {1.5, "1.5"}, {propcheck.Literal("set twice"), "set twice"},
	} {
		if got := propcheck.Render(tc.v); got != tc.want {
			t.Errorf("Render(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
