package contract

import (
	"fmt"
	"regexp"
	"time"
)

// MaxShutdownBudget is the most LIFT_SHUTDOWN_BUDGET (and gofunction's
// ShutdownBudget) may be. With only an internal extension (aws-lambda-go's
// WithEnableSIGTERM) Lambda sends SIGKILL about 500 ms after SIGTERM; the
// remaining 50 ms are for the final metric flush and exit.
const MaxShutdownBudget = 450 * time.Millisecond

// ServiceNameRule states, for error messages and docs, the one rule every Lift
// service name follows (service, gofunction, cloudmap): it is a Cloud Map
// service name label, a CloudWatch dimension value and a cache key prefix.
const ServiceNameRule = "1-63 letters, digits, '_' and '-', not starting or ending with '-' (for example \"orders\")"

var serviceNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$`)

// ValidServiceName returns an error, phrased as the fix, when name breaks
// ServiceNameRule.
func ValidServiceName(name string) error {
	if !serviceNamePattern.MatchString(name) {
		return fmt.Errorf("%q is not a valid service name: use %s", name, ServiceNameRule)
	}
	return nil
}

// CacheValueAttribute is the DynamoDB attribute that holds a cached value. Key
// and TTL attributes may not use it.
const CacheValueAttribute = "v"

// maxAttributeNameBytes is DynamoDB's limit for a key attribute name.
const maxAttributeNameBytes = 255

// ValidCacheAttributes returns an error, phrased as the fix, when the DynamoDB
// cache tier's key or TTL attribute names cannot work: empty, longer than
// DynamoDB allows, CacheValueAttribute, or equal to each other. Used by
// constructs/cachetier at synth and by runtime/cache/dynamocache at start.
func ValidCacheAttributes(key, ttl string) error {
	for _, a := range []struct{ what, name string }{{"key attribute", key}, {"TTL attribute", ttl}} {
		switch {
		case a.name == "" || len(a.name) > maxAttributeNameBytes:
			return fmt.Errorf("the %s %q must be 1-%d bytes", a.what, a.name, maxAttributeNameBytes)
		case a.name == CacheValueAttribute:
			return fmt.Errorf("the %s %q is the attribute Lift stores values in; use another name such as %q", a.what, a.name, map[string]string{"key attribute": DefaultCacheKeyAttribute, "TTL attribute": DefaultCacheTTLAttribute}[a.what])
		}
	}
	if key == ttl {
		return fmt.Errorf("the key and TTL attributes are both %q; they must differ", key)
	}
	return nil
}
