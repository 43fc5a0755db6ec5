package prewarm

import "errors"

// ErrInvalidProps is wrapped by the error every constructor and AddTarget of
// this package panics with when its props are wrong; the error lists each
// problem with the construct path, the prop, the value and the fix.
var ErrInvalidProps = errors.New("invalid prewarm props")
