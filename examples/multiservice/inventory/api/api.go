// Package api is inventory's contract with its callers: the Cloud Map service
// name, the request and response types, and the errors a caller can act on.
// inventory's handler and every caller (orders) import it, so no caller
// re-declares inventory's types; it holds nothing of inventory's internals
// and imports only the standard library and runtime/discovery.
package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/liftcdk/lift/runtime/discovery"
)

// Service is inventory's Cloud Map service name.
const Service = "inventory"

// StockRequest asks whether Qty units of SKU are available.
type StockRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// StockReply answers a StockRequest. Service and InstanceID say who answered;
// Cached says the level came from the cache tiers, not from the stock store.
type StockReply struct {
	SKU        string `json:"sku"`
	Available  bool   `json:"available"`
	InStock    int    `json:"inStock"`
	Service    string `json:"service"`
	InstanceID string `json:"instanceId"`
	Cached     bool   `json:"cached"`
}

// MaxSKULength bounds a SKU.
const MaxSKULength = 64

// ValidationError is inventory's answer to a request it cannot accept.
// Returned as it is (not wrapped: the runtime names a function error after the
// outermost error's Go type), it is reported with errorType
// ValidationErrorType, and reaches a caller as a *discovery.RemoteError that
// AsValidationError finds.
type ValidationError struct {
	Field  string // the JSON name of the field at fault
	Reason string
}

// ValidationErrorType is the errorType of a ValidationError answer (the
// runtime names a function error after its Go type).
const ValidationErrorType = "ValidationError"

func (e *ValidationError) Error() string { return fmt.Sprintf("%s %s", e.Field, e.Reason) }

// Validate returns a *ValidationError for a request inventory refuses. The
// SKU is trimmed first, as inventory does.
func (r StockRequest) Validate() error {
	sku := strings.TrimSpace(r.SKU)
	switch {
	case sku == "":
		return &ValidationError{Field: "sku", Reason: "is empty"}
	case len(sku) > MaxSKULength:
		return &ValidationError{Field: "sku", Reason: fmt.Sprintf("is %d bytes, over %d", len(sku), MaxSKULength)}
	case strings.ContainsFunc(sku, func(c rune) bool { return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') }):
		return &ValidationError{Field: "sku", Reason: fmt.Sprintf("%q may hold only a-z, 0-9 and '-'", sku)}
	case r.Qty <= 0:
		return &ValidationError{Field: "qty", Reason: fmt.Sprintf("%d must be at least 1", r.Qty)}
	}
	return nil
}

// AsValidationError reports whether err (from discovery.Call to inventory)
// is inventory refusing the request, and returns that answer.
func AsValidationError(err error) (*discovery.RemoteError, bool) {
	re, ok := errors.AsType[*discovery.RemoteError](err)
	if !ok || re.Type != ValidationErrorType {
		return nil, false
	}
	return re, true
}
