package cachetier

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/token"
)

// Sentinel errors. Every error this package reports wraps one of them and
// names the prop (or function), the value and the fix.
var (
	// ErrConflictingProps: two props that exclude each other are both set.
	ErrConflictingProps = errors.New("conflicting props")
	// ErrMissingProp: a prop the configuration needs is not set.
	ErrMissingProp = errors.New("missing prop")
	// ErrInvalidProp: a prop's value is out of range or malformed.
	ErrInvalidProp = errors.New("invalid prop")
	// ErrAlreadyBound: the function is already bound to another cache tier.
	ErrAlreadyBound = errors.New("function already bound to a cache tier")
	// ErrNotInVpc: the function cannot reach the cache's VPC.
	ErrNotInVpc = errors.New("function not in the cache's VPC")
	// ErrInvalidTier: Bind was called on a tier whose props failed validation.
	ErrInvalidTier = errors.New("cache tier has invalid props")
)

// problems collects a construct's errors and reports them to the CDK as a
// validation, so synthesis fails with every message at once.
type problems struct {
	errs []error
}

// Validate implements constructs.IValidation.
func (p *problems) Validate() *[]*string {
	out := make([]*string, 0, len(p.errs))
	for _, err := range p.errs {
		out = append(out, jsii.String(err.Error()))
	}
	return &out
}

func (p *problems) add(err error) error {
	p.errs = append(p.errs, err)
	return err
}

func (p *problems) addf(sentinel error, format string, args ...any) error {
	return p.add(fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...))
}

func (p *problems) err() error {
	return errors.Join(p.errs...)
}

// newProblems registers an empty problem list as a validation of c.
func newProblems(c constructs.IConstruct) *problems {
	p := &problems{}
	c.Node().AddValidation(p)
	return p
}

// describe renders an optional string prop for an error message.
func describe(s *string) string {
	if s == nil {
		return "<unset>"
	}
	if token.Unresolved(s) {
		return "<token>"
	}
	return fmt.Sprintf("%q", *s)
}

// path is a construct's path for messages.
func path(c constructs.IConstruct) string {
	return *c.Node().Path()
}
