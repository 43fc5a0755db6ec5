package health

import "errors"

// Warn marks a check failure as "warn" instead of "fail": the component is
// degraded but the service can still serve (for example a cache tier is down
// and requests fall through to the origin). Warn(nil) is nil.
func Warn(err error) error {
	if err == nil {
		return nil
	}
	return warnError{err}
}

// IsWarn reports whether err, or any error it wraps, was marked with Warn.
func IsWarn(err error) bool {
	var w warnError
	return errors.As(err, &w)
}

type warnError struct{ err error }

func (w warnError) Error() string { return w.err.Error() }
func (w warnError) Unwrap() error { return w.err }
