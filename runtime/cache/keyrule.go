package cache

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxKeyBytes is the longest stored key (a Scope's prefix included) that
// every tier accepts: DynamoDB's partition key limit, the tightest of them.
const MaxKeyBytes = 2048

// CheckKey reports whether every tier can store key: 1 to MaxKeyBytes bytes
// of valid UTF-8. The error wraps ErrInvalidKey and leaves the key out, as
// keys may carry user data. Every tier of this package and both L2 backends
// apply this one rule, before any call to a server, so a refused key is the
// caller's error and never counts as an outage.
func CheckKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeyBytes:
		return fmt.Errorf("%w: key of %d bytes exceeds the %d-byte limit", ErrInvalidKey, len(key), MaxKeyBytes)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: key is not valid UTF-8", ErrInvalidKey)
	}
	return nil
}

// errEmptyKey: a Scope's prefix would make an empty key storable, but the
// rule is the same through a Scope as without one.
var errEmptyKey = CheckKey("")

// redactKey removes key from a backend's error text before it is logged: as
// %q prints it (as this package's backends and most Go code quote keys), and
// as it is when it is long enough not to match ordinary words of the message.
func redactKey(msg, key string) string {
	if key == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, strconv.Quote(key), `"<key>"`)
	if len(key) >= minRawRedact {
		msg = strings.ReplaceAll(msg, key, "<key>")
	}
	return msg
}

// minRawRedact: shorter keys are cut only where quoted; a short unquoted key
// carries little data, and cutting it would mangle words such as "valkeycache".
const minRawRedact = 8
