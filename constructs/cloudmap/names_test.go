package cloudmap_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/liftcdk/lift/constructs/cloudmap"
)

func TestValidateServiceName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		// One rule for every Lift service name (contract.ServiceNameRule): no dots.
		{"orders", true}, {"o", true}, {"_internal", true}, {"orders-v2", true}, {"orders.eu", false},
		{strings.Repeat("a", 63), true}, {strings.Repeat("a.", 63) + "a", false},
		{"", false}, {"-orders", false}, {"orders-", false}, {"or ders", false}, {"orders,inv", false},
		{"orders..eu", false}, {".", false}, {strings.Repeat("a", 64), false}, {strings.Repeat("a.", 64) + "a", false},
		{"ordérs", false},
	} {
		err := cloudmap.ValidateServiceName("Name", tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateServiceName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, cloudmap.ErrInvalidProps) {
			t.Errorf("error %v does not wrap ErrInvalidProps", err)
		}
	}
}

func TestValidateInstanceID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"orders-live", true}, {"a/b:c.d@e_f", true}, {strings.Repeat("i", 64), true},
		{"", false}, {"a b", false}, {strings.Repeat("i", 65), false}, {"a,b", false},
	} {
		if err := cloudmap.ValidateInstanceID("InstanceId", tc.id); (err == nil) != tc.ok {
			t.Errorf("ValidateInstanceID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}

// FuzzValidateServiceName: names come from user props and construct ids; a
// name accepted here must be usable in LIFT_DISCOVERY_TARGETS and IAM.
func FuzzValidateServiceName(f *testing.F) {
	for _, s := range []string{"orders", "a.b", "-x", "", "a,b", strings.Repeat("z", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if cloudmap.ValidateServiceName("Name", name) != nil {
			return
		}
		if len(name) == 0 || len(name) > 127 || strings.ContainsAny(name, ", \t\n*?\"") {
			t.Fatalf("accepted %q", name)
		}
	})
}
