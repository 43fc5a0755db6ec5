package cloudmap

import (
	"errors"
	"sync"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// problems collects a construct's props errors and reports them as a construct
// validation, so synthesis fails with every problem and its construct path
// instead of a panic at the first one.
type problems struct {
	mu   sync.Mutex
	errs []error
}

// attachProblems registers a validation on c and returns the collector.
func attachProblems(c constructs.IConstruct) *problems {
	p := &problems{}
	c.Node().AddValidation(p)
	return p
}

func (p *problems) add(err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs = append(p.errs, err)
}

// Err returns every recorded problem joined, or nil.
func (p *problems) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return errors.Join(p.errs...)
}

// Validate implements constructs.IValidation.
func (p *problems) Validate() *[]*string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*string, 0, len(p.errs))
	for _, err := range p.errs {
		out = append(out, jsii.String(err.Error()))
	}
	return &out
}
