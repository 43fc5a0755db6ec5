package cloudmap

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidProps is wrapped by the error every constructor, Register and
// Connect of this package panic with when their props are wrong (the error
// lists each problem with the construct path, the prop, the value and the
// fix), and by the errors of the Validate* helpers.
var ErrInvalidProps = errors.New("cloudmap: invalid props")

// Cloud Map limits (API reference: CreateHttpNamespace, RegisterInstance).
const (
	maxNamespaceNameLen = 1024
	maxInstanceIDLen    = 64
)

var (
	// Instance ids: RegisterInstance allows these characters, up to 64 of them.
	instanceIDPattern = regexp.MustCompile(`^[0-9a-zA-Z_/:.@-]+$`)
	// Namespace (HttpName) names: printable ASCII without spaces.
	namespacePattern = regexp.MustCompile(`^[!-~]+$`)
)

// ValidateServiceName reports whether name is a valid Lift service name,
// which a Cloud Map service of a Lift service is named after: one rule for
// service, cloudmap and gofunction: 1-63 letters, digits, '_' and '-', not
// starting or ending with '-'.
func ValidateServiceName(prop, name string) error {
	return asError(prop, name, serviceNameFix(name))
}

// ValidateNamespaceName reports whether name is a valid HTTP namespace name.
func ValidateNamespaceName(prop, name string) error {
	return asError(prop, name, namespaceNameFix(name))
}

// ValidateInstanceID reports whether id is a valid Cloud Map instance id.
func ValidateInstanceID(prop, id string) error {
	return asError(prop, id, instanceIDFix(id))
}

func asError(prop, value, fix string) error {
	if fix == "" {
		return nil
	}
	return fmt.Errorf("%w: %s is %q: %s", ErrInvalidProps, prop, value, fix)
}

// The *Fix functions return "" for a valid value, else the fix.

func serviceNameFix(name string) string {
	if contract.ValidServiceName(name) != nil {
		return "use " + contract.ServiceNameRule
	}
	return ""
}

func namespaceNameFix(name string) string {
	switch {
	case name == "" || len(name) > maxNamespaceNameLen || !namespacePattern.MatchString(name):
		return "use 1-1024 printable ASCII characters without spaces, e.g. \"shop\""
	case strings.Contains(name, ","):
		return "Lift passes namespace names in comma separated environment variables: drop the comma, use letters, digits, '.', '_' or '-'"
	}
	return ""
}

func instanceIDFix(id string) string {
	if id == "" || len(id) > maxInstanceIDLen || !instanceIDPattern.MatchString(id) {
		return "use 1-64 characters of letters, digits and _/:.@- (construct ids with spaces need an explicit InstanceId)"
	}
	return ""
}

// check adds a problem when fix is not "".
func check(c *propcheck.Collector, prop string, value any, fix string) {
	if fix != "" {
		c.Add(prop, value, "%s", fix)
	}
}
