package cdktest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
)

// SynthError runs f, which must fail synthesis the way aws-cdk-go constructs
// do: by panicking. With want set, the panic must be an error wrapping it (a
// construct package's ErrInvalidProps). It returns the error; the test fails
// when f does not panic or panics with something else.
func SynthError(t testing.TB, want error, f func()) (err error) {
	t.Helper()
	defer func() {
		r := recover()
		e, isErr := r.(error)
		switch {
		case r == nil:
			t.Fatal("cdktest: no synth error, want one")
		case want != nil && (!isErr || !errors.Is(e, want)):
			t.Fatalf("cdktest: synth error %v (%T) does not wrap %v", r, r, want)
		case isErr:
			err = e
		default:
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

// Problem is one bad prop in a Lift construct's props error: the construct
// path, the prop, the value as given and the fix.
type Problem = propcheck.Problem

// SynthProblems runs f, which must fail the way every Lift construct reports
// bad props: one panic with an error wrapping want that lists every problem
// of the call. It returns those problems; the test fails when f does not
// panic, panics with something else, or lists no problem.
func SynthProblems(t testing.TB, want error, f func()) []Problem {
	t.Helper()
	err := SynthError(t, want, f)
	var pe *propcheck.Error
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		t.Fatalf("cdktest: synth error %v (%T) lists no props problems", err, err)
	}
	return pe.Problems
}

// HasProblem reports whether problems hold one at a path ending in
// pathSuffix, for prop, whose value and fix contain value and fix.
func HasProblem(problems []Problem, pathSuffix, prop, value, fix string) bool {
	for _, p := range problems {
		if strings.HasSuffix(p.Path, pathSuffix) && p.Prop == prop && strings.Contains(p.Value, value) && strings.Contains(p.Fix, fix) {
			return true
		}
	}
	return false
}
