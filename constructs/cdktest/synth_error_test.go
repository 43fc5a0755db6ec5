package cdktest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

var errInvalid = errors.New("invalid props")

func TestSynthError(t *testing.T) {
	err := cdktest.SynthError(t, errInvalid, func() { panic(fmt.Errorf("%w: Entry is unset", errInvalid)) })
	if err == nil || err.Error() != "invalid props: Entry is unset" {
		t.Fatalf("SynthError = %v", err)
	}
	if err := cdktest.SynthError(t, nil, func() { panic("jsii: Failed to bundle asset") }); err.Error() != "jsii: Failed to bundle asset" {
		t.Fatalf("SynthError of a string panic = %v", err)
	}
	for name, f := range map[string]func(){
		"no panic":       func() {},
		"wrong sentinel": func() { panic(errors.New("other")) },
	} {
		inner := &testing.T{}
		done := make(chan struct{})
		go func() { defer close(done); cdktest.SynthError(inner, errInvalid, f) }()
		<-done
		if !inner.Failed() {
			t.Errorf("%s: SynthError did not fail the test", name)
		}
	}
}

func TestSynthProblems(t *testing.T) {
	problems := cdktest.SynthProblems(t, errInvalid, func() {
		c := propcheck.New(errInvalid, "Stack/Fn")
		c.Add("MemorySize", 64.0, "use 128 to 10240")
		c.Check()
	})
	if !cdktest.HasProblem(problems, "/Fn", "MemorySize", "64", "128 to 10240") || cdktest.HasProblem(problems, "/Fn", "Timeout", "", "") {
		t.Fatalf("problems = %+v", problems)
	}
}
