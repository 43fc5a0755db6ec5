package cachetier

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/propcheck"
	"github.com/liftcdk/lift/constructs/internal/token"
	"github.com/liftcdk/lift/internal/contract"
)

// Tier is what both cache tiers offer, for composites (constructs/service)
// that accept either.
type Tier interface {
	constructs.IConstruct
	// Kind is the tier's LIFT_CACHE_KIND value: "dynamodb" or "valkey".
	Kind() string
	// Bind sets the function's LIFT_CACHE_* environment, grants it least
	// privilege on the tier and opens the network path. See the tier types.
	Bind(fn awslambda.Function)
}

// markerID names the child construct that Bind adds under a function to record
// which tier it is bound to; it holds no resources.
const markerID = "LiftCacheTierBinding"

// markerContextKey holds the bound tier's construct path on the marker.
const markerContextKey = "lift:cacheTier"

// claim records that fn is bound to tier. It reports alreadyBound=true when fn
// is already bound to this same tier (Bind is then a no-op) and panics with an
// error wrapping ErrInvalidProps when it is bound to another tier.
func claim(tier constructs.IConstruct, kind string, fn awslambda.Function) (alreadyBound bool) {
	tierPath := path(tier)
	if existing := fn.Node().TryFindChild(jsii.String(markerID)); existing != nil {
		other, _ := existing.Node().TryGetContext(jsii.String(markerContextKey)).(string)
		if other == tierPath {
			return true
		}
		c := propcheck.New(ErrInvalidProps, tierPath)
		c.Add("Bind(fn)", propcheck.Literal(path(fn)+", already bound to cache tier "+other),
			"a function reads exactly one L2 tier from %s; bind it to one tier only (this %s tier or %s), or split the work across two functions",
			contract.EnvCacheKind, kind, other)
		c.Check()
	}
	marker := constructs.NewConstruct(fn, jsii.String(markerID))
	marker.Node().SetContext(jsii.String(markerContextKey), tierPath)
	return false
}

// timeoutValue renders the L2 call timeout for contract.EnvCacheTimeout as a Go
// duration string; nil means contract.DefaultCacheTimeout.
func timeoutValue(c *propcheck.Collector, prop string, d awscdk.Duration) string {
	if d == nil {
		return contract.DefaultCacheTimeout.String()
	}
	ms := d.ToMilliseconds(nil)
	if token.Unresolved(ms) || *ms <= 0 {
		c.Add(prop, d, "give a positive literal duration such as awscdk.Duration_Millis(jsii.Number(100)); "+
			"it bounds every cache call and must stay well under the function timeout")
		return contract.DefaultCacheTimeout.String()
	}
	return (time.Duration(*ms) * time.Millisecond).String()
}

// setEnv sets every pair on fn, in order.
func setEnv(fn awslambda.Function, env [][2]*string) {
	for _, kv := range env {
		fn.AddEnvironment(kv[0], kv[1], nil)
	}
}

func pair(k string, v *string) [2]*string { return [2]*string{jsii.String(k), v} }
