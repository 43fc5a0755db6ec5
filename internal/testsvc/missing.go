package testsvc

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/liftcdk/lift/internal/localsvc"
)

// RequireServicesEnv names the variable that turns a missing tool from a skip
// into a failure. `make test` and CI (.ci/run) set it to 1; CI=true has the
// same effect.
const RequireServicesEnv = "LIFT_REQUIRE_SERVICES"

// ServicesRequired reports whether a test whose tool or service is missing
// must fail rather than skip: LIFT_REQUIRE_SERVICES or CI is true (1, true).
// An unparsable value is an error, so a typo never silently allows skips.
func ServicesRequired() (bool, error) {
	required := false
	for _, name := range []string{RequireServicesEnv, "CI"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("%s=%q: want 1/true or 0/false", name, v)
		}
		required = required || b
	}
	return required, nil
}

// Missing ends the test because what it needs is not installed, in one line
// that says what is missing and how to get it: a skip on a developer's
// machine, a failure when ServicesRequired (CI, `make test`).
func Missing(t testing.TB, what, fix string) {
	t.Helper()
	required, err := ServicesRequired()
	switch {
	case err != nil:
		t.Fatalf("testsvc: %s is not installed (%s), and %v", what, fix, err)
	case required:
		t.Fatalf("testsvc: %s is not installed: %s (%s or CI is set, so this fails instead of skipping)", what, fix, RequireServicesEnv)
	default:
		t.Skipf("testsvc: %s is not installed: %s (skipped; %s=1 fails instead)", what, fix, RequireServicesEnv)
	}
}

// fatal ends the test on err: through Missing when err is a missing tool,
// as a failure otherwise.
func fatal(t testing.TB, err error) {
	t.Helper()
	if missing, ok := errors.AsType[*localsvc.MissingToolError](err); ok {
		Missing(t, missing.Name, missing.Fix())
		return
	}
	t.Fatalf("testsvc: %v", err)
}
