package cachetier

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
)

// ErrInvalidProps is wrapped by the error every constructor and Bind of this
// package panics with when its props or arguments are wrong; the error lists
// each problem with the construct path, the prop, the value and the fix.
var ErrInvalidProps = errors.New("invalid cachetier props")

// path is a construct's path for messages.
func path(c constructs.IConstruct) string {
	return *c.Node().Path()
}
