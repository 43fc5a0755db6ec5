// Package propcheck is the one way Lift's constructs report bad props, as
// aws-cdk does: a constructor checks every prop before it defines anything,
// collects each problem with the construct path, the prop, the value and the
// fix, and panics once with an *Error listing them all (jsii turns CDK's own
// exceptions into panics too, so apps and `cdk synth` handle both alike).
package propcheck

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/liftcdk/lift/constructs/internal/token"
)

// Problem is one bad prop.
type Problem struct {
	Path  string // construct path, e.g. "Shop/orders/Function"
	Prop  string // e.g. "MemorySize", "Alarms[ErrorRate].Threshold"
	Value string // the value as given, rendered for reading
	Fix   string // what to do instead
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s is %s: %s", p.Path, p.Prop, p.Value, p.Fix)
}

// Error lists every problem of one constructor or method call. It wraps the
// construct package's ErrInvalidProps (and, for a composite, the sentinel of
// the part that failed).
type Error struct {
	kinds    []error
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = strings.ReplaceAll(p.String(), "\n", "\n    ")
	}
	if len(lines) == 1 {
		return fmt.Sprintf("%v: %s", e.kinds[0], lines[0])
	}
	return fmt.Sprintf("%v: %d problems:\n  - %s", e.kinds[0], len(lines), strings.Join(lines, "\n  - "))
}

// Unwrap makes errors.Is find every sentinel the error carries.
func (e *Error) Unwrap() []error { return e.kinds }

// Collector gathers the problems of one call.
type Collector struct {
	kind     error
	path     string
	problems []Problem
}

// New starts collecting for the construct at path; kind is the package's
// ErrInvalidProps.
func New(kind error, path string) *Collector { return &Collector{kind: kind, path: path} }

// For starts collecting for the construct scope/id, which need not exist yet.
func For(kind error, scope constructs.IConstruct, id *string) *Collector {
	return New(kind, PathOf(scope, id))
}

// PathOf is the path the construct scope/id has, or will have.
func PathOf(scope constructs.IConstruct, id *string) string {
	parent, name := "", ""
	if scope != nil {
		parent = *scope.Node().Path()
	}
	if id != nil {
		name = *id
	}
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

// Add records a problem of prop at the collector's path. value is rendered by
// Render; fix is a format when args are given.
func (c *Collector) Add(prop string, value any, fix string, args ...any) {
	c.AddAt(c.path, prop, value, fix, args...)
}

// AddAt records a problem of a construct other than the collector's own (a
// target, a bound function).
func (c *Collector) AddAt(path, prop string, value any, fix string, args ...any) {
	if len(args) > 0 {
		fix = fmt.Sprintf(fix, args...)
	}
	c.problems = append(c.problems, Problem{Path: path, Prop: prop, Value: Render(value), Fix: fix})
}

// Len is the number of problems so far.
func (c *Collector) Len() int { return len(c.problems) }

// Err is the *Error of every problem so far, or nil.
func (c *Collector) Err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{kinds: []error{c.kind}, Problems: c.problems}
}

// Check panics with Err when there is a problem.
func (c *Collector) Check() {
	if err := c.Err(); err != nil {
		panic(err)
	}
}

// Within runs f, a composite's definition of its parts, and re-panics a part's
// *Error so that it also wraps kind (the composite's ErrInvalidProps).
// Anything else f panics with passes through unchanged.
func Within(kind error, f func()) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		var e *Error
		if err, ok := r.(error); ok && errors.As(err, &e) {
			panic(&Error{kinds: append([]error{kind}, e.kinds...), Problems: e.Problems})
		}
		panic(r)
	}()
	f()
}

// Literal is a value already rendered for a message ("unset", "set with X").
type Literal string

// Render renders a prop value for a message: nil and nil pointers as "unset",
// tokens as "<token>", strings quoted, numbers without exponent, durations as
// CDK prints them.
func Render(v any) string {
	if v == nil {
		return "unset"
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface || rv.Kind() == reflect.Map || rv.Kind() == reflect.Slice {
		if rv.IsNil() {
			return "unset"
		}
	}
	switch x := v.(type) {
	case Literal:
		return string(x)
	case *string:
		if token.Unresolved(x) {
			return "<token>"
		}
		return strconv.Quote(*x)
	case string:
		return strconv.Quote(x)
	case *float64:
		if token.Unresolved(x) {
			return "<token>"
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case awscdk.Duration:
		return *x.ToHumanString()
	}
	return fmt.Sprint(v)
}
