package cache

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/liftcdk/lift/internal/contract"
)

// Scope namespaces keys by service and, optionally, tenant, so one tenant can
// never read another's value. The encoding is length-prefixed and therefore
// unambiguous: service "a" with tenant "b" and tenant "a:b" (or any other
// combination of separators in names and keys) map to distinct stored keys.
//
//	<len(service)>:<service>/-/<key>                   no tenant
//	<len(service)>:<service>/<len(tenant)>:<tenant>/<key>
type Scope struct {
	inner   Cache
	service string
	tenant  string
	prefix  string
}

// NewScope returns c seen through service's namespace.
func NewScope(c Cache, service string) (*Scope, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: NewScope needs a cache", ErrInvalidConfig)
	}
	if service == "" {
		return nil, fmt.Errorf("%w: empty service name: set %s", ErrInvalidConfig, contract.EnvService)
	}
	return &Scope{inner: c, service: service, prefix: encodePrefix(service, "", false)}, nil
}

// Tenant returns the namespace of one tenant of s's service. Tenants never
// see each other's keys, nor the service-wide keys of s.
func (s *Scope) Tenant(tenant string) (*Scope, error) {
	if tenant == "" {
		return nil, fmt.Errorf("%w: empty tenant id for service %q", ErrInvalidKey, s.service)
	}
	if s.tenant != "" {
		return nil, fmt.Errorf("%w: scope is already tenant %q of service %q", ErrInvalidKey, s.tenant, s.service)
	}
	return &Scope{inner: s.inner, service: s.service, tenant: tenant, prefix: encodePrefix(s.service, tenant, true)}, nil
}

func encodePrefix(service, tenant string, hasTenant bool) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(service)))
	b.WriteByte(':')
	b.WriteString(service)
	b.WriteByte('/')
	if hasTenant {
		b.WriteString(strconv.Itoa(len(tenant)))
		b.WriteByte(':')
		b.WriteString(tenant)
	} else {
		b.WriteByte('-')
	}
	b.WriteByte('/')
	return b.String()
}

// Key returns the stored key for key.
func (s *Scope) Key(key string) string { return s.prefix + key }

// Service returns the service name of the namespace.
func (s *Scope) Service() string { return s.service }

// TenantID returns the tenant of the namespace, "" for the service-wide one.
func (s *Scope) TenantID() string { return s.tenant }

// Unwrap returns the cache beneath the namespace.
func (s *Scope) Unwrap() Cache { return s.inner }

// Get reads key in the namespace.
func (s *Scope) Get(ctx context.Context, key string) ([]byte, error) {
	if key == "" {
		return nil, errEmptyKey
	}
	return s.inner.Get(ctx, s.prefix+key)
}

// Set writes key in the namespace.
func (s *Scope) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if key == "" {
		return errEmptyKey
	}
	return s.inner.Set(ctx, s.prefix+key, value, ttl)
}

// Delete removes key from the namespace.
func (s *Scope) Delete(ctx context.Context, key string) error {
	if key == "" {
		return errEmptyKey
	}
	return s.inner.Delete(ctx, s.prefix+key)
}

// GetWithExpiry reads key and its expiry when the cache beneath can tell it.
func (s *Scope) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, error) {
	if key == "" {
		return nil, time.Time{}, errEmptyKey
	}
	if eg, ok := s.inner.(ExpiryGetter); ok {
		return eg.GetWithExpiry(ctx, s.prefix+key)
	}
	v, err := s.inner.Get(ctx, s.prefix+key)
	return v, time.Time{}, err
}

// flightKey lets GetOrLoad share the inner cache's singleflight group while
// keeping namespaces apart.
func (s *Scope) flightGroup() *singleflight.Group { return groupOf(s.inner) }
func (s *Scope) flightKey(key string) string      { return s.prefix + key }
