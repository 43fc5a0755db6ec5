package cloudmap

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalidProps is wrapped by every props validation error, so callers of
// the Validate* helpers can test for it with errors.Is.
var ErrInvalidProps = errors.New("cloudmap: invalid props")

// Cloud Map limits (API reference: CreateService, CreateHttpNamespace,
// RegisterInstance).
const (
	maxServiceNameLen   = 127
	maxLabelLen         = 63
	maxNamespaceNameLen = 1024
	maxInstanceIDLen    = 64
)

var (
	// A Cloud Map service name in an HTTP namespace is one or more dot separated
	// labels of letters, digits, '_' and '-', where '-' neither starts nor ends
	// a label.
	serviceLabel = regexp.MustCompile(`^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9_])$`)
	// Instance ids: RegisterInstance allows these characters, up to 64 of them.
	instanceIDPattern = regexp.MustCompile(`^[0-9a-zA-Z_/:.@-]+$`)
	// Namespace (HttpName) names: printable ASCII without spaces.
	namespacePattern = regexp.MustCompile(`^[!-~]+$`)
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidProps}, args...)...)
}

// ValidateServiceName reports whether name is a valid Cloud Map service name
// for an HTTP namespace. The error names prop, the value and the fix.
func ValidateServiceName(prop, name string) error {
	fix := "use 1-127 characters of letters, digits, '_' and '-' in dot separated labels of at most 63, e.g. \"orders\""
	if name == "" || len(name) > maxServiceNameLen {
		return invalid("%s %q has %d characters; %s", prop, name, len(name), fix)
	}
	for label := range strings.SplitSeq(name, ".") {
		if len(label) > maxLabelLen || !serviceLabel.MatchString(label) {
			return invalid("%s %q is not a valid Cloud Map service name (label %q); %s", prop, name, label, fix)
		}
	}
	return nil
}

// ValidateNamespaceName reports whether name is a valid HTTP namespace name.
func ValidateNamespaceName(prop, name string) error {
	if name == "" || len(name) > maxNamespaceNameLen || !namespacePattern.MatchString(name) {
		return invalid("%s %q is not a valid Cloud Map HTTP namespace name; use 1-1024 printable ASCII characters without spaces, e.g. \"shop\"", prop, name)
	}
	if strings.Contains(name, ",") {
		return invalid("%s %q contains ','; Lift passes namespace names in comma separated environment variables, so use letters, digits, '.', '_' or '-'", prop, name)
	}
	return nil
}

// ValidateInstanceID reports whether id is a valid Cloud Map instance id.
func ValidateInstanceID(prop, id string) error {
	if id == "" || len(id) > maxInstanceIDLen || !instanceIDPattern.MatchString(id) {
		return invalid("%s %q is not a valid Cloud Map instance id; use 1-64 characters of letters, digits and _/:.@- (construct ids with spaces need an explicit InstanceId)", prop, id)
	}
	return nil
}
