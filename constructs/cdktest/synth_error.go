package cdktest

import (
	"errors"
	"fmt"
	"testing"
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
