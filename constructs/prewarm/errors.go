package prewarm

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidProps is wrapped by every synth-time error of this package.
var ErrInvalidProps = errors.New("invalid prewarm props")

// problems collects every bad prop of one call so a user fixes them in one go.
type problems struct {
	what string // "prewarm.NewWarmer(\"Warmer\")"
	list []string
}

func (p *problems) add(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

// check panics with all problems found, as aws-cdk-go constructs report synth errors.
func (p *problems) check() {
	if len(p.list) == 0 {
		return
	}
	panic(fmt.Errorf("%w in %s:\n  - %s", ErrInvalidProps, p.what, strings.Join(p.list, "\n  - ")))
}
